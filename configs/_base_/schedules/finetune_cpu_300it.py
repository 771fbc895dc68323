# Fine-tuning schedule for 2 CPU cores: the CPU budget of sqsnet_cpu_300it.py
# (300 iterations, a linear warm-up over the first 10% then one cosine decay,
# validation once at the end, so nothing is chosen on the test split and no
# early stopping) with AdamW at lr 1e-3, weight decay 1e-4, for the layers
# that start from random weights, 0.1x for the ImageNet-pretrained local
# branch; and the runtime of iteration-based training.
_base_ = ['./sqsnet_cpu_300it.py', '../iter_based_runtime.py']

optim_wrapper = dict(
    optimizer=dict(lr=1e-3, weight_decay=1e-4),
    paramwise_cfg=dict(
        custom_keys={
            'backbone.local_branch': dict(lr_mult=0.1),
            'backbone.timm_model': dict(lr_mult=0.1)
        }))
default_hooks = dict(checkpoint=dict(interval={{_base_.train_iters}}))
