# Tiny SQSNet on the embedded synthetic data set: the same components as the
# paper's model (EfficientNet local branch, Swin global branch,
# cross-attention fusion, SQS, base + enhanced classifiers) sized to train on
# 2 CPU cores in about 6 minutes (64 px, 4 x 4 x 128 fused map, 8 quads per
# batch). `CONFIG=<this file> bash tools/quickstart.sh` trains and tests it.
#
# Departures from the paper's recipe, for the CPU budget only (the paper's
# configs keep it): from scratch, with the CPU schedule (sqsnet_cpu_5e.py:
# 5 epochs, warm-up to lr 2e-3, cosine decay); no Mixup/CutMix and no Random
# Erasing, which slow a model that starts from random weights more than they
# regularise it in 1,300 iterations.
_base_ = [
    '../_base_/models/sqsnet_tiny.py',
    '../_base_/datasets/synthetic_fer_64px.py',
    '../_base_/schedules/sqsnet_cpu_5e.py', '../_base_/default_runtime.py'
]

model = dict(train_cfg=None)
