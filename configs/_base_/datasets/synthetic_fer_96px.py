# The synthetic FER set of the quick start (synthetic_fer.py) at 96 px for
# the pretrained CPU configs: the 112 px images shrunk by area averaging, so
# that the ImageNet-pretrained EfficientNet-Lite0 sees a 3 x 3 map at its
# stride 32 (2 x 2 at 64 px); the loaders and the sampler of
# synthetic_fer_64px.py.
_base_ = ['./synthetic_fer_64px.py']

img_size = 96
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.8, 1.0),
        interpolation='area'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_size, interpolation='area'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
