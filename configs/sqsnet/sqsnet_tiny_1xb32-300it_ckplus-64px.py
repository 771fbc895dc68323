# Tiny SQSNet (the model of sqsnet_tiny_1xb32-5e_synthetic-64px.py) on
# CK+48, subject-independent folds, with SQS (QuadSampler, 8 quads per
# batch), under the CPU budget of the CK+48 benchmark (docs/benchmarks.md).
_base_ = [
    '../_base_/models/sqsnet_tiny.py', '../_base_/datasets/ckplus_64px.py',
    '../_base_/schedules/sqsnet_cpu_300it.py', '../_base_/iter_based_runtime.py'
]

# no batch augments, like the baseline and the quick start
model = dict(train_cfg=None)
default_hooks = dict(checkpoint=dict(interval={{_base_.train_iters}}))
