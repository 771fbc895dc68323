# SQSNet sized for CPUs with an ImageNet-pretrained local branch: the
# pretrained EfficientNet-Lite0 of sqsnet_lite0.py (1280 x 2 x 2 at 64 px)
# and a small Swin global branch (no pretrained transformer can be installed
# offline, so it starts from random weights), fused by the paper's
# token-level cross-attention into a 256 x 2 x 2 map.
_base_ = ['./sqsnet_lite0.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='HybridFusionBackbone',
        local={{_base_.lite0}},
        global_=dict(
            type='SwinTransformer',
            arch=dict(embed_dims=48, depths=[2, 2, 2], num_heads=[2, 4, 8]),
            img_size=64,
            window_size=4,
            out_indices=(2, )),
        embed_dims=256,
        num_heads=4,
        local_channels=1280,
        global_channels=192),
    head=dict(in_channels=256))
