# Fine-tuning schedule for 2 CPU cores: 300 iterations (AdamW, lr 1e-3 for
# the layers that start from random weights, 0.1x for the ImageNet-pretrained
# local branch), a linear warm-up over the first 10% then one cosine decay;
# validation once, at the end, so nothing is chosen on the test split and
# no early stopping. Iterations, not epochs, so that quad batches (4 images
# per anchor) and plain batches get the same budget. With the runtime it
# changes (checkpoint and log intervals in iterations).
_base_ = ['../default_runtime.py']

train_iters = 300
warmup_iters = train_iters // 10
optim_wrapper = dict(
    optimizer=dict(
        type='AdamW', lr=1e-3, weight_decay=1e-4, betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        custom_keys={
            'backbone.local_branch': dict(lr_mult=0.1),
            'backbone.timm_model': dict(lr_mult=0.1)
        }))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='CosineAnnealingLR',
        eta_min=0.0,
        by_epoch=False,
        begin=warmup_iters,
        end=train_iters)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=train_iters, val_interval=train_iters)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=train_iters, max_keep_ckpts=1))
custom_hooks = [dict(type='NonFiniteLossHook', interval=1)]
log_processor = dict(by_epoch=False)
