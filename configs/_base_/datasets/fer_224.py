# What every FER data set config shares: ImageNet statistics (the backbones are ImageNet-pretrained, BGR -> RGB),
# the paper's 224 px pipelines (random resized crop, flip, Random Erasing
# p 0.5), quad batches of 64 images (16 quads) for training, FERMetric.
# A data set config sets `dataset_type`, `data_root` and the dataset fields
# of the three loaders (type, root, split), and the number of classes.
data_preprocessor = dict(
    num_classes=7,
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    to_rgb=True)
bgr_mean = data_preprocessor['mean'][::-1]
bgr_std = data_preprocessor['std'][::-1]

random_erasing = dict(
    type='RandomErasing',
    erase_prob=0.5,
    mode='rand',
    min_area_ratio=0.02,
    max_area_ratio=1 / 3,
    fill_color=bgr_mean,
    fill_std=bgr_std)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.7, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    random_erasing,
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=224),
    dict(type='PackInputs'),
]

loader = dict(batch_size=64, num_workers=4, persistent_workers=True)
# 64 images = 16 quads (anchor, positive, negative, negative) per batch.
train_dataloader = dict(
    **loader,
    dataset=dict(split='train', pipeline=train_pipeline),
    sampler=dict(type='QuadSampler', shuffle=True))
val_dataloader = dict(
    **loader,
    dataset=dict(split='test', pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False))
val_evaluator = dict(type='FERMetric')
test_dataloader = val_dataloader
test_evaluator = val_evaluator
