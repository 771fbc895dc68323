# SQSNet with the ImageNet-pretrained EfficientNet-Lite0 local branch and a
# small Swin global branch, fine-tuned on any folder-per-class FER set at
# 64 px on 2 CPU cores (300 iterations of 8 quads). Point it at your data by
# linking the folder (one sub-folder per emotion) to data/fer_folder:
#   ln -s /path/to/my_faces data/fer_folder
#   python tools/train.py \
#       configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_fer-folder-64px.py
# The split is random by image unless the file names carry the subject (see
# configs/_base_/datasets/fer_folder_64px.py for subject_regex).
_base_ = [
    '../_base_/models/sqsnet_lite0_swin.py',
    '../_base_/datasets/fer_folder_64px.py',
    '../_base_/schedules/finetune_cpu_300it.py'
]
