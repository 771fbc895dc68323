# The pretrained quick-start config without SQS: same model, budget and the
# very same quad batches; only the SQS module and the enhanced classifier
# are removed.
_base_ = [
    './sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_synthetic-96px.py'
]

model = dict(head=dict(sqs=None))
