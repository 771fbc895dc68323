# SQSNet (paper sec. 3.2-3.4): EfficientNet-B6 + Swin-S fused by token-level
# cross-attention into a 1024 x 7 x 7 map at 224 px, SQS on quads, base and
# SQS-enhanced classifiers. Both branches start from ImageNet weights.
effnet_b6_ckpt = 'https://download.openmmlab.com/mmclassification/v0/efficientnet/efficientnet-b6_3rdparty_8xb32-aa_in1k_20220119-45b03310.pth'  # noqa: E501
swin_s_ckpt = 'https://download.openmmlab.com/mmclassification/v0/swin-transformer/swin_small_224_b16x64_300e_imagenet_20210615_110219-7f9d988b.pth'  # noqa: E501

model = dict(
    type='QuadImageClassifier',
    backbone=dict(
        type='HybridFusionBackbone',
        local=dict(
            type='EfficientNet',
            arch='b6',
            init_cfg=dict(
                type='Pretrained', checkpoint=effnet_b6_ckpt,
                prefix='backbone.')),
        global_=dict(
            type='SwinTransformer',
            arch='small',
            img_size=224,
            drop_path_rate=0.2,
            init_cfg=dict(
                type='Pretrained', checkpoint=swin_s_ckpt,
                prefix='backbone.')),
        embed_dims=1024,
        fusion='cross_attention',
        num_heads=8,
        local_channels=2304,
        global_channels=768),
    neck=None,
    # Every SQS setting: the module's constants (eq. 6-10) and the weights
    # of eq. 11, in the head that owns them.
    head=dict(
        type='SQSClsHead',
        num_classes=7,
        in_channels=1024,
        loss=dict(
            type='LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        sqs=dict(
            type='SpatialQuadSimilarity',
            tau=1.0,
            alpha=1.0,
            beta=0.5,
            gamma=0.5,
            margin=0.5,
            normalize=True),
        quad_mode='sampler',
        enhanced_loss_weight=1.0,
        kl_weight=1.0,
        sqs_loss_weight=0.5,
        sqs_reduction='anchor'),
    # Mixup 0.4 / CutMix 0.4 (sec. 4.2) as Beta(0.4, 0.4) mixing; each is
    # drawn for a quarter of the batches so that half of the batches stay
    # unmixed and carry SQS (docs/design.md, decision 5).
    train_cfg=dict(
        augments=[
            dict(type='Mixup', alpha=0.4),
            dict(type='CutMix', alpha=0.4)
        ],
        probs=[0.25, 0.25]))

# On mixed batches the enhanced classifier gets no input (docs/design.md,
# decision 5), so DDP must allow parameters without gradient in an iteration.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', find_unused_parameters=True)
