"""A small random-init classifier for the inference tests."""
from mmengine.config import Config

#: Test pipeline of the inference tests' models: 64 px.
PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=64),
    dict(type='PackInputs')
]


def classifier_config(num_classes: int) -> Config:
    """A ResNet-18 (16 base channels) classifier config at 64 px."""
    return Config(
        dict(
            default_scope='mmpretrain',
            model=dict(
                type='ImageClassifier',
                backbone=dict(
                    type='ResNet',
                    depth=18,
                    base_channels=16,
                    stem_channels=16,
                    out_indices=(3, )),
                neck=dict(type='GlobalAveragePooling'),
                head=dict(
                    type='LinearClsHead',
                    num_classes=num_classes,
                    in_channels=128,
                    loss=dict(type='CrossEntropyLoss'))),
            data_preprocessor=dict(
                num_classes=num_classes,
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                to_rgb=True),
            test_dataloader=dict(
                batch_size=8,
                dataset=dict(
                    type='CustomDataset', data_root='', pipeline=PIPELINE),
                sampler=dict(type='DefaultSampler', shuffle=False))))
