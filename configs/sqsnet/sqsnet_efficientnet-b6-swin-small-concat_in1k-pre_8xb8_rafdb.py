# Fusion ablation: channel concatenation (the paper's figure) instead of
# token-level cross-attention (docs/design.md, decision 1).
_base_ = ['./sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py']

model = dict(backbone=dict(fusion='concat'))
