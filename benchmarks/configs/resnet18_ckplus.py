# Plain MMPretrain baseline: ResNet-18 + GlobalAveragePooling + LinearClsHead
# (mmpretrain's own model config, cross-entropy, no batch augments), from
# scratch, on the same CK+48 folds, pipeline and budget.
_base_ = [
    'mmpretrain::_base_/models/resnet18.py',
    './_base_/ckplus_64px_budget.py'
]

model = dict(head=dict(num_classes=7, topk=(1, )))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
