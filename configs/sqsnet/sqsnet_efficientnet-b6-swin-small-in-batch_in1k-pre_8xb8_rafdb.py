# SQSNet with in-batch quads (docs/design.md, decision 4): plain shuffled
# batches, every image is an anchor, partners are picked from the batch by
# label.
_base_ = ['./sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py']

model = dict(head=dict(quad_mode='in_batch'))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
