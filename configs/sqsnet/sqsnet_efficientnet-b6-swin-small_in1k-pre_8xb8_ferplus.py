# Full SQSNet on FERPlus (8 classes with contempt, majority labels).
_base_ = [
    '../_base_/models/sqsnet_effb6_swins.py', '../_base_/datasets/ferplus.py',
    '../_base_/schedules/sqsnet_50e.py', '../_base_/default_runtime.py'
]

model = dict(head=dict(num_classes={{_base_.num_classes}}))
train_dataloader = dict(batch_size=8)
auto_scale_lr = dict(base_batch_size=64)
