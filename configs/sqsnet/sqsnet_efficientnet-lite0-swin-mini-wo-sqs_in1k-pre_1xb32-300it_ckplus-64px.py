# The same model, data and budget without SQS (plain shuffled batches, the
# base classifier and its cross-entropy only).
_base_ = [
    './sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_ckplus-64px.py'
]

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
