# The pretrained EfficientNet-Lite0 alone without SQS: a plain fine-tuned
# classifier, the baseline of
# sqsnet_efficientnet-lite0_in1k-pre_1xb32-300it_ckplus-64px.py.
_base_ = ['./sqsnet_efficientnet-lite0_in1k-pre_1xb32-300it_ckplus-64px.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
