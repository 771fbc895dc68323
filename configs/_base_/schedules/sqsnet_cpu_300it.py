# CPU budget in iterations, the same for every model compared on CK+48
# (docs/benchmarks.md): an epoch of QuadSampler holds 4 images per anchor,
# so epochs would not be comparable between quad and plain batches. As the
# CPU schedule of the tiny configs (sqsnet_cpu_5e.py): the paper's AdamW
# (sqsnet_50e.py) at lr 2e-3, a linear warm-up over the first 10% of the
# iterations, then one cosine decay; validation only once, at the end, so
# no early stopping or checkpoint choice ever looks at the test fold.
_base_ = ['./sqsnet_50e.py']

train_iters = 300
warmup_iters = train_iters // 10

optim_wrapper = dict(optimizer=dict(lr=2e-3))
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

auto_scale_lr = dict(base_batch_size=32)
