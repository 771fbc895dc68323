# Full SQSNet on AffectNet, 8 classes, class-balanced anchors.
_base_ = [
    '../_base_/models/sqsnet_effb6_swins.py',
    '../_base_/datasets/affectnet8.py', '../_base_/schedules/sqsnet_50e.py',
    '../_base_/default_runtime.py'
]

model = dict(head=dict(num_classes={{_base_.num_classes}}))
# 8 GPUs x 8 images. On one GPU: python tools/train.py CONFIG --auto-scale-lr
# (the lr scaled by the batch it runs with over 64).
train_dataloader = dict(batch_size=8)
auto_scale_lr = dict(base_batch_size=64)
