# SQS on the pretrained EfficientNet-Lite0 alone (a plain zoo backbone, no
# Swin, no fusion): SQS on its 1280 x 2 x 2 map; CK+48 subject folds, the
# same budget as sqsnet_lite0-swin_1xb32_ckplus.py.
_base_ = [
    '../_base_/models/sqsnet_lite0.py', '../_base_/datasets/ckplus_64px.py',
    '../_base_/schedules/finetune_cpu_300it.py'
]
