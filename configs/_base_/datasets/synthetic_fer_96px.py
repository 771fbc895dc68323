# The synthetic FER set at 96 px for the pretrained CPU configs, so that
# the ImageNet-pretrained EfficientNet-Lite0 sees a 3 x 3 map at its stride
# 32 (2 x 2 at 64 px): synthetic_fer_64px.py (area averaging, its loaders
# and sampler) with the one sized step of each pipeline at 96 px.
_base_ = ['./synthetic_fer_64px.py']

img_size = 96
train_pipeline = _base_.train_pipeline
train_pipeline[1].scale = img_size  # RandomResizedCrop
test_pipeline = _base_.test_pipeline
test_pipeline[1].scale = img_size  # Resize
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
