# SQSNet with the ImageNet-pretrained EfficientNet-Lite0 local branch and a
# small Swin global branch (sqsnet_lite0_swin.py) on the embedded synthetic
# data set at 96 px, fine-tuned on 2 CPU cores with the CPU fine-tuning
# budget (300 iterations of 8 quads, finetune_cpu_300it.py). The quick start
# trains this config.
_base_ = [
    '../_base_/models/sqsnet_lite0_swin.py',
    '../_base_/datasets/synthetic_fer_96px.py',
    '../_base_/schedules/finetune_cpu_300it.py'
]
model = dict(backbone=dict(global_=dict(img_size=96)))
