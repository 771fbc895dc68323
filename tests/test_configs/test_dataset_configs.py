"""The data set config bases: their keys, and loaders built from them
on tiny data sets in the official layouts (quad batches)."""
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from ..test_datasets.layouts import (PREPARE_FERPLUS, make_affectnet_csv,
                                     make_ferplus_csvs, make_rafdb)
from ..utils import REPO_ROOT

CONFIG_DIR = osp.join(REPO_ROOT, 'configs', '_base_', 'datasets')


@pytest.mark.parametrize('name', [
    'rafdb', 'ferplus', 'affectnet8', 'affectnet7', 'synthetic_fer',
    'ckplus_folder'
])
def test_dataset_config_keys(name):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name + '.py'))
    for key in ('dataset_type', 'data_root', 'data_preprocessor',
                'train_pipeline', 'test_pipeline', 'train_dataloader',
                'val_dataloader', 'val_evaluator', 'test_dataloader',
                'test_evaluator'):
        assert key in cfg, key
    # the scope and the plug-in import are the runtime's (default_runtime.py)
    assert 'default_scope' not in cfg and 'custom_imports' not in cfg
    assert cfg.data_preprocessor.to_rgb
    train = cfg.train_dataloader
    assert train.sampler.type == 'QuadSampler'
    assert train.batch_size == 64 and train.persistent_workers
    assert cfg.val_evaluator.type == 'FERMetric'
    assert cfg.train_pipeline[-1].type == 'PackInputs'
    erasing = [t for t in cfg.train_pipeline if t.type == 'RandomErasing']
    assert erasing and erasing[0].erase_prob == 0.5
    size = 112 if name == 'synthetic_fer' else 224
    assert cfg.train_pipeline[1].scale == size
    num_classes = cfg.data_preprocessor.num_classes
    assert num_classes == {'ferplus': 8, 'affectnet8': 8}.get(name, 7)
    assert cfg.train_dataloader.dataset.get('num_classes',
                                            num_classes) == num_classes
    if name.startswith('affectnet'):
        assert train.sampler.class_balanced


@pytest.mark.parametrize('name, size, interpolation', [
    ('ckplus_64px', 64, 'bilinear'),
    ('fer_folder_64px', 64, 'bilinear'),
    ('synthetic_fer_64px', 64, 'area'),
    ('synthetic_fer_96px', 96, 'area'),
])
def test_small_face_bases(name, size, interpolation):
    """The small-face pipelines (small_face_pipelines.py) at each base's
    size and interpolation, in its three loaders."""
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name + '.py'))
    train, test = cfg.train_pipeline, cfg.test_pipeline
    assert [t.type for t in train] == [
        'LoadImageFromFile', 'RandomResizedCrop', 'RandomFlip', 'PackInputs'
    ]
    assert [t.type for t in test] == [
        'LoadImageFromFile', 'Resize', 'PackInputs'
    ]
    assert train[1].crop_ratio_range == (0.8, 1.0)
    for step in (train[1], test[1]):
        assert step.scale == size
        assert step.get('interpolation', 'bilinear') == interpolation
    assert cfg.train_dataloader.dataset.pipeline == train
    for key in ('val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.pipeline == test, key
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.train_dataloader.sampler.type == 'QuadSampler'


def _build_loaders(cfg_name, data_root, batch_size=8, **overrides):
    """Build the config's train and test loaders on ``data_root``."""
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(CONFIG_DIR, cfg_name + '.py'))
    loaders = []
    for key in ('train_dataloader', 'test_dataloader'):
        loader = cfg[key]
        loader.update(
            batch_size=batch_size, num_workers=0, persistent_workers=False)
        loader.dataset.update(data_root=data_root, **overrides)
        loaders.append(Runner.build_dataloader(loader.to_dict(), seed=0))
    return loaders


def _assert_quad_batch(batch, size):
    labels = [s.gt_label.item() for s in batch['data_samples']]
    assert len(labels) % 4 == 0
    for a, p, n1, n2 in np.reshape(labels, (-1, 4)):
        assert a == p and len({a, n1, n2}) == 3
    assert batch['inputs'][0].shape == (3, size, size)


def test_configs_build_on_official_layouts(tmp_path):
    raf = make_rafdb(tmp_path / 'raf', train=(1, 1, 2, 2, 3, 3, 7, 7))
    train, test = _build_loaders('rafdb', raf)
    _assert_quad_batch(next(iter(train)), 224)
    assert len(test.dataset) == 3

    codes = [0, 0, 1, 1, 6, 6, 7, 7, 9]
    make_affectnet_csv(tmp_path / 'an', codes)
    make_affectnet_csv(tmp_path / 'an', codes, split='val')
    for name, n in (('affectnet8', 8), ('affectnet7', 6)):
        train, test = _build_loaders(name, str(tmp_path / 'an'))
        _assert_quad_batch(next(iter(train)), 224)
        assert len(test.dataset) == n


def test_ferplus_config_builds(tmp_path):
    rows = [('Training', f'fer{i:07d}.png', np.eye(10, dtype=int)[i % 4] * 9)
            for i in range(8)] + [
                ('PublicTest', 'fer0000008.png', np.eye(10, dtype=int)[2] * 9),
                ('PrivateTest', 'fer0000009.png', np.eye(10, dtype=int)[5] * 9)
            ]
    fer, plus = make_ferplus_csvs(tmp_path / 'raw', rows)
    PREPARE_FERPLUS.main([fer, plus, str(tmp_path / 'fp')])
    train, test = _build_loaders('ferplus', str(tmp_path / 'fp'))
    _assert_quad_batch(next(iter(train)), 224)
    assert test.dataset.get_gt_labels().tolist() == [5]


def test_ckplus_config_builds(ckplus_root):
    train, test = _build_loaders(
        'ckplus_folder', ckplus_root, image_check='exists')
    _assert_quad_batch(next(iter(train)), 224)
    assert test.dataset.metainfo['classes'][4] == 'happiness'
