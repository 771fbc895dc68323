# Ablation "w/o Swin" (Table 7): EfficientNet-B6 branch only, SQS on.
_base_ = ['./sqsnet_effb6-swins_8xb8_rafdb.py']

model = dict(backbone=dict(global_=None))
