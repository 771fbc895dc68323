# The pretrained CPU config on CK+48 with SQS as the paper writes eq. 11:
# the enhanced CE, the KL term and L_SQS averaged over the anchors, and the
# similarities of eq. 6 reached by the enhanced classifier through R (eq. 8).
_base_ = [
    './sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_ckplus-64px.py'
]

model = dict(
    head=dict(sqs=dict(detach_relation=False), sqs_reduction='anchor'))
