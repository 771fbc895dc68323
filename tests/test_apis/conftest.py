"""Fixtures of the inference tests: a random-init classifier written as a
config + checkpoint, the CK+ crops, and the command-line tools."""
import importlib.util
import os
import os.path as osp
from typing import Callable, List, Optional, Sequence, Tuple

import pytest
import torch
from mmengine.config import Config
from mmpretrain.apis import get_model

from sqsnet_mm.datasets.emotions import RAFDB_CLASSES

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CKPLUS = osp.join(REPO, '..', 'shared', 'data', 'ckplus48')


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
                    type='CustomDataset',
                    data_root='',
                    pipeline=[
                        dict(type='LoadImageFromFile'),
                        dict(type='Resize', scale=64),
                        dict(type='PackInputs')
                    ]),
                sampler=dict(type='DefaultSampler', shuffle=False))))


@pytest.fixture
def make_classifier(
        tmp_path) -> Callable[[Sequence[str], Optional[int]], Tuple[str, str]]:
    """``make_classifier(classes, checkpoint_classes=None)`` writes a
    random-init classifier for ``classes`` under ``tmp_path/model`` and
    returns ``(config, checkpoint)``; the checkpoint comes from a model with
    ``checkpoint_classes`` outputs when given (a checkpoint that does not
    fit the config)."""

    def make(classes: Sequence[str] = RAFDB_CLASSES,
             checkpoint_classes: Optional[int] = None) -> Tuple[str, str]:
        torch.manual_seed(0)
        cfg = classifier_config(len(classes))
        model = get_model(
            classifier_config(checkpoint_classes or len(classes)))
        folder = tmp_path / 'model'
        folder.mkdir(exist_ok=True)
        config = str(folder / f'resnet18_{len(classes)}.py')
        cfg.dump(config)
        checkpoint = str(folder / f'resnet18_{len(classes)}.pth')
        torch.save(
            dict(
                state_dict=model.state_dict(),
                meta=dict(dataset_meta=dict(classes=list(classes)))),
            checkpoint)
        return config, checkpoint

    return make


@pytest.fixture
def ckplus_files() -> List[str]:
    """Every CK+48 crop, sorted; the test is skipped when the data set is
    absent."""
    if not osp.isdir(CKPLUS):
        pytest.skip('../shared/data/ckplus48 not available')
    return sorted(
        osp.join(root, f) for root, _, names in os.walk(CKPLUS) for f in names
        if f.endswith('.png'))


@pytest.fixture
def load_tool() -> Callable[[str], object]:
    """``load_tool('infer')`` imports ``tools/infer.py`` as a module."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(
            name.replace('/', '_'), osp.join(REPO, 'tools', f'{name}.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load
