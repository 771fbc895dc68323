# CK+48 at 64 px (like the tiny model), 5 subject-independent folds
# (FERFolder, subjects = S### prefix), batch 32, read from
# ../shared/data/ckplus48 beside the repository: the data of the CK+48
# benchmark (docs/benchmarks.md), the same for every model compared. Crops
# and flips, no Random Erasing, as the tiny config.
_base_ = ['./ckplus_folder.py']

data_root = '../shared/data/ckplus48'
img_size = 64
batch_size = 32
num_folds = 5

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop', scale=img_size,
        crop_ratio_range=(0.8, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_size),
    dict(type='PackInputs'),
]
folds = dict(num_folds=num_folds, fold=0)
train_dataloader = dict(
    batch_size=batch_size,
    dataset=dict(data_root=data_root, pipeline=train_pipeline, **folds))
val_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=test_pipeline, **folds))
test_dataloader = val_dataloader
