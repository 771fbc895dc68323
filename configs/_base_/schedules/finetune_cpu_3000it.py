# Fine-tuning schedule of the FERPlus CPU configs: finetune_cpu_300it.py
# (AdamW at lr 1e-3 for every layer, a linear warm-up over the first 10%,
# then one cosine decay) stretched to 3,000 iterations, with a validation
# and a checkpoint every 500 iterations; the best checkpoint by validation
# accuracy is kept.
_base_ = ['./finetune_cpu_300it.py']

train_iters = 3000
warmup_iters = train_iters // 10
val_interval = 500

param_scheduler = _base_.param_scheduler
param_scheduler[0].end = warmup_iters  # LinearLR
param_scheduler[1].begin = warmup_iters  # CosineAnnealingLR
param_scheduler[1].T_max = train_iters - warmup_iters
param_scheduler[1].end = train_iters
train_cfg = dict(max_iters=train_iters, val_interval=val_interval)
default_hooks = dict(checkpoint=dict(interval=val_interval))
