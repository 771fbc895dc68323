# CK+48 (7 class folders of 48x48 grey PNGs, e.g. anger/S010_004_00000017.png)
# with subject-independent 10-fold cross-validation: the subjects (S###
# prefix) are cut into 10 folds, fold `fold` is the validation/test split and
# the other 9 train. Link the data first: ln -s /path/to/ckplus48 data/ckplus48
# Another fold: --cfg-options train_dataloader.dataset.fold=3
#   val_dataloader.dataset.fold=3 test_dataloader.dataset.fold=3
# Any one-folder-per-class FER set works the same way (FERFolder).
default_scope = 'mmpretrain'
custom_imports = dict(imports=['sqsnet_mm'], allow_failed_imports=False)

dataset_type = 'FERFolder'
data_root = 'data/ckplus48'
class_names = ('anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness',
               'surprise')
subject_folds = dict(subject_regex=r'^(S\d+)_', num_folds=10, fold=0)

data_preprocessor = dict(
    num_classes=len(class_names),
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
bgr_mean = data_preprocessor['mean'][::-1]
bgr_std = data_preprocessor['std'][::-1]

# The grey images are read as 3-channel colour images.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.8, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(
        type='RandomErasing',
        erase_prob=0.5,
        mode='rand',
        min_area_ratio=0.02,
        max_area_ratio=1 / 3,
        fill_color=bgr_mean,
        fill_std=bgr_std),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=224),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        classes=class_names,
        split='train',
        pipeline=train_pipeline,
        **subject_folds),
    sampler=dict(type='QuadSampler', shuffle=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        classes=class_names,
        split='test',
        pipeline=test_pipeline,
        **subject_folds),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='FERMetric')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
