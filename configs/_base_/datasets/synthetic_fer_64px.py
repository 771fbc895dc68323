# The synthetic FER set of the quick start (synthetic_fer.py) at 64 px for
# the CPU configs: the 112 px images are shrunk by area averaging (OpenCV's
# choice for downscaling), so the thin strokes of brows and lips are
# averaged in, not sampled; crops and flips, no Random Erasing.
_base_ = ['./synthetic_fer.py']

img_size = 64
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
# 2,100 quads per epoch = 8,400 images, the size of the generated training
# set: one epoch costs what a plain epoch costs (the default, one anchor per
# image, would be 4x that).
train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=train_pipeline),
    sampler=dict(num_anchors=2100))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
