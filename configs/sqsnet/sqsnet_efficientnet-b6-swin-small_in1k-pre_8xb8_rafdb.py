# Full SQSNet (paper Table 1-3): EfficientNet-B6 + Swin-S, cross-attention
# fusion, SQS, 224 px, RAF-DB basic (7 classes), 8 GPUs x 8 images
# (2 quads each) = batch 64, AdamW 3e-4, 50 epochs with cosine restarts.
_base_ = [
    '../_base_/models/sqsnet_effb6_swins.py', '../_base_/datasets/rafdb.py',
    '../_base_/schedules/sqsnet_50e.py', '../_base_/default_runtime.py'
]

# 8 GPUs x 8 images. On one GPU: python tools/train.py CONFIG --auto-scale-lr
# (the lr scaled by the batch it runs with over 64).
train_dataloader = dict(batch_size=8)
auto_scale_lr = dict(base_batch_size=64)
