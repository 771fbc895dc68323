# Ablation "w/o CNN" (Table 7): Swin-S branch only, projected to 1024, SQS on.
_base_ = ['./sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py']

model = dict(backbone=dict(local=None))
