# AffectNet, manually annotated part, 8 classes (with contempt). Reads the
# CSV distribution (Manually_Annotated_file_lists/*.csv and
# Manually_Annotated_Images/) or the npy one (train_set/, val_set/) under
# data/affectnet, whichever is there; see docs/datasets.md. The official
# validation set is the test set, as in the literature.
# To crop to the CSV's face boxes, add dict(type='CropFaceBox', margin=0.1)
# after LoadImageFromFile in both pipelines (CSV layout only).
default_scope = 'mmpretrain'
custom_imports = dict(imports=['sqsnet_mm'], allow_failed_imports=False)

dataset_type = 'AffectNet'
data_root = 'data/affectnet'
num_classes = 8

data_preprocessor = dict(
    num_classes=num_classes,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
bgr_mean = data_preprocessor['mean'][::-1]
bgr_std = data_preprocessor['std'][::-1]

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.7, 1.0)),
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

# AffectNet's training set is heavily imbalanced (happiness ~47%, contempt
# ~1%): anchors and negative classes are drawn class-balanced.
train_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='train',
        num_classes=num_classes,
        pipeline=train_pipeline),
    sampler=dict(type='QuadSampler', shuffle=True, class_balanced=True))
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        num_classes=num_classes,
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='FERMetric')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
