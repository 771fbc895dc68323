# SQSNet for CPUs on FERPlus: the ImageNet-pretrained EfficientNet-Lite0 and
# the small Swin (from random weights) fused by cross-attention into a
# 256 x 4 x 4 map at 112 px, with SQS; the data and schedule of
# sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py.
_base_ = [
    '../_base_/models/sqsnet_lite0_swin.py',
    '../_base_/datasets/ferplus_112px.py',
    '../_base_/schedules/finetune_cpu_3000it.py'
]

model = dict(
    backbone=dict(global_=dict(img_size={{_base_.img_size}})),
    head=dict(num_classes={{_base_.num_classes}}),
    data_preprocessor=dict(num_classes={{_base_.num_classes}}))
