# Plain MMPretrain baseline: ResNet-18 + GlobalAveragePooling + LinearClsHead
# (mmpretrain's own model config, cross-entropy, no batch augments), from
# scratch, on the same CK+48 folds, pipeline and budget as
# configs/sqsnet/sqsnet_tiny_1xb32-300it_ckplus-64px.py.
_base_ = [
    'mmpretrain::_base_/models/resnet18.py',
    '../_base_/datasets/ckplus_64px.py',
    '../_base_/schedules/sqsnet_cpu_300it.py', '../_base_/iter_based_runtime.py'
]

model = dict(head=dict(num_classes=7, topk=(1, )))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
default_hooks = dict(checkpoint=dict(interval={{_base_.train_iters}}))
