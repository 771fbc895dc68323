# The FERPlus SQSNet for CPUs without SQS (same batches' images, shuffled):
# the baseline of
# sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-3000it_ferplus-112px.py.
_base_ = [
    './sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-3000it_ferplus-112px.py'
]

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
