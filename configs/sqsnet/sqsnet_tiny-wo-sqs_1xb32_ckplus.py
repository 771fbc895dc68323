# The same tiny model, data and budget without SQS (the "w/o SQS" ablation,
# as configs/sqsnet/sqsnet_tiny-wo-sqs_synthetic.py).
_base_ = ['./sqsnet_tiny_1xb32_ckplus.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
