# The pretrained quick-start config without SQS: same model, budget and the
# very same quad batches; only the SQS module and the enhanced classifier
# are removed.
_base_ = ['./sqsnet_lite0-swin_1xb32_synthetic.py']

model = dict(head=dict(sqs=None))
