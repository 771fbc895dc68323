# SQS added to MMPretrain's own ResNet-50 ImageNet recipe by config alone:
# the backbone, data and schedule are inherited unchanged; the pooling neck
# is removed (SQS needs the 2048 x 7 x 7 map), the head becomes SQSClsHead,
# and batches are drawn as quads. 8 GPUs x 32 images, as the recipe; on one
# GPU: python tools/train.py CONFIG --auto-scale-lr (lr x 32 / 256).
_base_ = ['mmpretrain::resnet/resnet50_8xb32_in1k.py']

custom_imports = dict(imports=['sqsnet_mm'], allow_failed_imports=False)

model = dict(
    type='QuadImageClassifier',
    neck=None,
    head=dict(
        _delete_=True,
        type='SQSClsHead',
        num_classes=1000,
        in_channels=2048,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        sqs=dict(type='SpatialQuadSimilarity'),
        topk=(1, 5)))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='QuadSampler', shuffle=True))
