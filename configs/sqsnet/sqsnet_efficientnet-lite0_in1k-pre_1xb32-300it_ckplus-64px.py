# SQS on the pretrained EfficientNet-Lite0 alone (a plain zoo backbone, no
# Swin, no fusion): SQS on its 1280 x 2 x 2 map; CK+48 subject folds, the
# same budget as
# sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_ckplus-64px.py.
_base_ = [
    '../_base_/models/sqsnet_lite0.py', '../_base_/datasets/ckplus_64px.py',
    '../_base_/schedules/finetune_cpu_300it.py'
]
