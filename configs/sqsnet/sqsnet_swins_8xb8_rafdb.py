# Ablation "w/o CNN" (Table 7): Swin-S branch only, projected to 1024, SQS on.
_base_ = ['./sqsnet_effb6-swins_8xb8_rafdb.py']

model = dict(backbone=dict(local=None))
