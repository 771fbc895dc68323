# Fusion ablation: channel concatenation (the paper's figure) instead of
# token-level cross-attention (DESIGN decision 1).
_base_ = ['./sqsnet_effb6-swins_8xb8_rafdb.py']

model = dict(backbone=dict(fusion='concat'))
