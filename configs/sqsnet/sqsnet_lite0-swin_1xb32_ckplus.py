# The pretrained CPU config (sqsnet_lite0-swin_1xb32_fer-folder.py) on CK+48
# with subject-independent folds.
_base_ = [
    '../_base_/models/sqsnet_lite0_swin.py',
    '../_base_/datasets/ckplus_64px.py',
    '../_base_/schedules/finetune_cpu_300it.py'
]
