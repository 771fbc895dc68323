# Tiny SQSNet on the embedded synthetic data set: the same components as the
# paper's model (EfficientNet local branch, Swin global branch,
# cross-attention fusion, SQS, base + enhanced classifiers) sized to train on
# 2 CPU cores in about 6 minutes (64 px, 4 x 4 x 128 fused map, 8 quads per
# batch). The quick start trains this config.
#
# Departures from the paper's recipe, for the CPU budget only (the paper's
# configs keep it): from scratch, with the CPU schedule (sqsnet_cpu_5e.py:
# 5 epochs, warm-up to lr 2e-3, cosine decay); no Mixup/CutMix and no Random
# Erasing, which slow a model that starts from random weights more than they
# regularise it in 1,300 iterations.
_base_ = [
    '../_base_/models/sqsnet_tiny.py', '../_base_/datasets/synthetic_fer.py',
    '../_base_/schedules/sqsnet_cpu_5e.py', '../_base_/default_runtime.py'
]

img_size = 64

model = dict(train_cfg=None)

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
# The 112 px images are shrunk to 64 px by area averaging (OpenCV's choice
# for downscaling), so the thin strokes of brows and lips are averaged in,
# not sampled.
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
