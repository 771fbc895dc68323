# Tiny SQSNet on the embedded synthetic data set: the same components as the
# paper's model (EfficientNet local branch, Swin global branch,
# cross-attention fusion, SQS, base + enhanced classifiers) sized to train on
# 2 CPU cores in a few minutes (64 px, 4 x 4 x 128 fused map, 8 quads per
# batch). The quick start trains this config.
_base_ = [
    '../_base_/models/sqsnet_tiny.py', '../_base_/datasets/synthetic_fer.py',
    '../_base_/schedules/sqsnet_50e.py', '../_base_/default_runtime.py'
]

img_size = 64
max_epochs = 10

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop', scale=img_size,
        crop_ratio_range=(0.8, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(
        type='RandomErasing',
        erase_prob=0.5,
        mode='rand',
        min_area_ratio=0.02,
        max_area_ratio=1 / 3,
        fill_color={{_base_.bgr_mean}},
        fill_std={{_base_.bgr_std}}),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_size),
    dict(type='PackInputs'),
]
# 700 quads per epoch = 2,800 images, the size of the training set: one
# epoch costs what a plain epoch costs (the default, one anchor per image,
# would be 4x that).
train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=train_pipeline),
    sampler=dict(num_anchors=700))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# From scratch on a small set: a larger lr than the paper's fine-tuning 3e-4,
# one cosine cycle over the run.
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = dict(periods=[max_epochs])
train_cfg = dict(max_epochs=max_epochs)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(logger=dict(interval=20))
