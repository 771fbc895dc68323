# Training schedule of the paper (sec. 3.4 and 4.2), for a total batch of 64.
# AdamW, lr 3e-4, weight decay 1e-5.
optim_wrapper = dict(
    optimizer=dict(
        type='AdamW', lr=3e-4, weight_decay=1e-5, betas=(0.9, 0.999)))

# Cosine annealing with warm restarts, first cycle 50 epochs = the whole run
# (so one cosine decay from 3e-4 to 0 over 50 epochs; a run longer than 50
# epochs restarts at 3e-4). Counted in epochs, stepped every iteration.
param_scheduler = dict(
    type='CosineRestartLR',
    periods=[50],
    restart_weights=[1.0],
    eta_min=0.0,
    by_epoch=True,
    convert_to_iter_based=True)

# 50 epochs, validation after every epoch (early stopping and the best
# checkpoint, see default_runtime.py, read the validation accuracy).
train_cfg = dict(by_epoch=True, max_epochs=50, val_interval=1)
val_cfg = dict()
test_cfg = dict()

# The paper trains with batch 64; `--auto-scale-lr` scales the lr linearly
# when the total batch differs.
auto_scale_lr = dict(base_batch_size=64)
