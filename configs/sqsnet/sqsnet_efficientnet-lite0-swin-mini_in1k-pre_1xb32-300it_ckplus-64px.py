# The pretrained CPU config of any folder of faces
# (sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_fer-folder-64px.py)
# on CK+48 with subject-independent folds.
_base_ = [
    '../_base_/models/sqsnet_lite0_swin.py',
    '../_base_/datasets/ckplus_64px.py',
    '../_base_/schedules/finetune_cpu_300it.py'
]
