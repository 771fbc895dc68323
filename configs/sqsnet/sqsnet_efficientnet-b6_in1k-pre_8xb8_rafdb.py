# Ablation "w/o Swin" (Table 7): EfficientNet-B6 branch only, SQS on.
_base_ = ['./sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py']

model = dict(backbone=dict(global_=None))
