# Tiny SQSNet for CPUs: the same components (an EfficientNet local branch
# through timm, a Swin global branch, cross-attention fusion, SQS, two
# classifiers) at 64 px, a 4 x 4 x 128 fused map.
_base_ = ['./sqsnet_effb6_swins.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='HybridFusionBackbone',
        local=dict(
            type='TIMMBackbone',
            model_name='efficientnet_b0',
            features_only=True,
            out_indices=(3, ),
            pretrained=False),
        global_=dict(
            type='SwinTransformer',
            arch=dict(embed_dims=32, depths=[2, 2, 2], num_heads=[1, 2, 4]),
            img_size=64,
            window_size=4,
            out_indices=(2, )),
        embed_dims=128,
        num_heads=4,
        local_channels=112,
        global_channels=128),
    head=dict(in_channels=128))
