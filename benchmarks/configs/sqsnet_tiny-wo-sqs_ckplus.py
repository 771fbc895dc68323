# The same tiny model, data and budget without SQS (the "w/o SQS" ablation,
# as configs/sqsnet/sqsnet_tiny-wo-sqs_synthetic.py).
_base_ = ['./sqsnet_tiny_ckplus.py']

model = dict(sqs_neck=None, head=dict(with_enhanced=False))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
