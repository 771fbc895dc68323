# CPU schedule of the tiny configs, for a model trained from scratch on a
# few thousand images in minutes: the paper's AdamW (sqsnet_50e.py) at a
# larger lr, 2e-3, reached by a linear warm-up over the first epoch (without
# it the randomly initialised Swin and attention collapse to a constant map
# and nothing is learnt), then one cosine decay over the other 4 epochs.
_base_ = ['./sqsnet_50e.py']

max_epochs = 5

optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        begin=0,
        end=1,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - 1,
        eta_min=0.0,
        by_epoch=True,
        begin=1,
        end=max_epochs,
        convert_to_iter_based=True)
]

train_cfg = dict(max_epochs=max_epochs)

# for a total batch of 32; `--auto-scale-lr` scales the lr linearly when
# the total batch differs
auto_scale_lr = dict(base_batch_size=32)
