# Fine-tuning schedule for 2 CPU cores: the CPU budget of sqsnet_cpu_300it.py
# (300 iterations, a linear warm-up over the first 10% then one cosine decay,
# validation once at the end, so nothing is chosen on the test split and no
# early stopping) with AdamW at lr 1e-3, weight decay 1e-4, and the runtime
# of iteration-based training. One learning rate for every layer, the
# ImageNet-pretrained branch included: a 0.1x lr on that branch
# (paramwise_cfg=dict(custom_keys={'backbone.timm_model':
# dict(lr_mult=0.1)})) lost 10.5 and 26.1 points on two CK+48 validation
# folds and 18-30 points on the synthetic set in this budget
# (docs/benchmarks.md, "Fine-tuning recipe").
_base_ = ['./sqsnet_cpu_300it.py', '../iter_based_runtime.py']

optim_wrapper = dict(optimizer=dict(lr=1e-3, weight_decay=1e-4))
default_hooks = dict(checkpoint=dict(interval={{_base_.train_iters}}))
