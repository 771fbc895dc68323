# Any folder-per-class FER set of small face crops (48 px grey like CK+48,
# FER2013 or JAFFE exports, or larger colour crops), resized to 64 px for the
# CPU-sized pretrained configs (the budget of the CK+48 benchmark). Classes come from the folder names (emotion
# names or aliases such as `happy`, `sad`; 7 classes expected by the models).
# The split is 5 folds by subject: `subject_regex` picks the subject out of a
# file name (CK+: `S010_004_00000017.png` -> `S010`); the default regex
# `^(.*)$` makes every file its own subject, which is a random 80/20 split by
# image. Fold `fold` is the test split, the other folds train.
_base_ = ['./fer_224.py']

dataset_type = 'FERFolder'
data_root = 'data/fer_folder'
img_size = 64
dataset = dict(
    type=dataset_type,
    data_root=data_root,
    subject_regex=r'^(.*)$',
    num_folds=5,
    fold=0)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.8, 1.0),
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_size, interpolation='bicubic'),
    dict(type='PackInputs'),
]
loader = dict(batch_size=32, num_workers=2, persistent_workers=True)
train_dataloader = dict(
    **loader,
    dataset=dict(**dataset, split='train', pipeline=train_pipeline),
    sampler=dict(type='QuadSampler', shuffle=True))
val_dataloader = dict(
    **loader,
    dataset=dict(**dataset, split='test', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
test_dataloader = val_dataloader
