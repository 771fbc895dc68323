# CK+48 accuracy benchmark (docs/benchmarks.md): data, schedule and runtime
# shared by every model compared, so that they differ by the model only.
# Subject-independent folds (FERFolder, subjects = S### prefix); 64 px like
# the tiny config; the same budget in iterations for every model (an epoch of
# QuadSampler holds 4 images per anchor, so epochs would not be comparable);
# the quick start's CPU recipe (configs/sqsnet/sqsnet_tiny_synthetic.py):
# AdamW 2e-3, linear warm-up over the first 10% of the iterations then one
# cosine decay, crops and flips, no Mixup/CutMix/Random Erasing; validation
# only once at the end, so no early stopping or checkpoint choice ever looks
# at the test fold.
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
warmup_iters = train_iters // 10
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='CosineAnnealingLR',
        T_max=train_iters - warmup_iters,
        eta_min=0.0,
        by_epoch=False,
        begin=warmup_iters,
        end=train_iters)
]
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
