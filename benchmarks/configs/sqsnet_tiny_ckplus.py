# Tiny SQSNet (configs/_base_/models/sqsnet_tiny.py: the tiny config of
# configs/sqsnet/sqsnet_tiny_synthetic.py) on CK+48, subject-independent
# folds, with SQS (QuadSampler, 8 quads per batch).
_base_ = [
    '../../configs/_base_/models/sqsnet_tiny.py',
    './_base_/ckplus_64px_budget.py'
]

# no batch augments, like the baseline and the quick start
model = dict(train_cfg=None)
