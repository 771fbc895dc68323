# The FERPlus EfficientNet-Lite0 without SQS: a plain fine-tuned classifier
# on shuffled batches, the baseline of
# sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py.
_base_ = ['./sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
