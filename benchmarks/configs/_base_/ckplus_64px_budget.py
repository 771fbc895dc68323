# CK+48 accuracy benchmark (docs/benchmarks.md): data, schedule and runtime
# shared by every model compared, so that they differ by the model only.
# Subject-independent folds (FERFolder, subjects = S### prefix); 64 px like
# the tiny config; the same budget in iterations for every model (an epoch of
# QuadSampler holds 4 images per anchor, so epochs would not be comparable);
# AdamW 2e-3 with one cosine cycle; validation only once at the end, so no
# early stopping or checkpoint choice ever looks at the test fold.
_base_ = [
    '../../../configs/_base_/datasets/ckplus_folder.py',
    '../../../configs/_base_/schedules/sqsnet_50e.py',
    '../../../configs/_base_/default_runtime.py'
]

data_root = '../shared/data/ckplus48'
img_size = 64
batch_size = 32
train_iters = 300
num_folds = 5

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
folds = dict(num_folds=num_folds, fold=0)
train_dataloader = dict(
    batch_size=batch_size,
    dataset=dict(data_root=data_root, pipeline=train_pipeline, **folds))
val_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline, **folds))
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = dict(
    _delete_=True,
    type='CosineRestartLR',
    periods=[train_iters],
    restart_weights=[1.0],
    eta_min=0.0,
    by_epoch=False)
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=train_iters,
    val_interval=train_iters)
auto_scale_lr = dict(base_batch_size=batch_size)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=train_iters, max_keep_ckpts=1))
custom_hooks = [dict(type='NonFiniteLossHook', interval=1)]
log_processor = dict(by_epoch=False)
