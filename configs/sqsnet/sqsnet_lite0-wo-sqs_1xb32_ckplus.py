# The pretrained EfficientNet-Lite0 alone without SQS: a plain fine-tuned
# classifier, the baseline of sqsnet_lite0_1xb32_ckplus.py.
_base_ = ['./sqsnet_lite0_1xb32_ckplus.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
