# The same model, data and budget without SQS (plain shuffled batches, the
# base classifier and its cross-entropy only).
_base_ = ['./sqsnet_lite0-swin_1xb32_ckplus.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
