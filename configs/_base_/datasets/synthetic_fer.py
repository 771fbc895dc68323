# Synthetic FER faces (7 classes, RAF-DB order and layout) at 112 px, the
# quick-start data set. Generate it first (about 15 s on one CPU core):
#   python tools/dataset_converters/make_synthetic_fer.py data/synthetic_fer
_base_ = ['./fer_224.py']

dataset_type = 'RAFDB'
data_root = 'data/synthetic_fer'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=112, crop_ratio_range=(0.8, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    {{_base_.random_erasing}},
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=112),
    dict(type='PackInputs'),
]
loader = dict(num_workers=2)
dataset = dict(type=dataset_type, data_root=data_root)
train_dataloader = dict(
    **loader, dataset=dict(**dataset, pipeline=train_pipeline))
val_dataloader = dict(**loader, dataset=dict(**dataset, pipeline=test_pipeline))
test_dataloader = val_dataloader
