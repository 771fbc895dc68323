# The same tiny model, data and budget without SQS (the "w/o SQS" ablation,
# as configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32-5e_synthetic-64px.py).
_base_ = ['./sqsnet_tiny_1xb32-300it_ckplus-64px.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
