# Ablation "w/o SQS" (Table 7): the hybrid backbone and base classifier
# trained with the classification loss only (plain batches, no quads).
_base_ = ['./sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py']

model = dict(head=dict(sqs=None))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True))
