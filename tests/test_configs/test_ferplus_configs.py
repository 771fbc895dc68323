"""The FERPlus configs train on the real data layout: the four CPU configs
(Lite0 / Lite0 + Swin-mini, with and without SQS, 112 px) and the paper's
full-size model, each for 2 iterations on a subset of FER2013Train, then
validated on a subset of FER2013Valid."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import sqsnet_mm  # noqa: F401

from ..utils import REPO_ROOT

CPU_CONFIGS = sorted(
    osp.relpath(p, REPO_ROOT) for p in glob.glob(
        osp.join(REPO_ROOT, 'configs/sqsnet/*ferplus-112px.py')))
PAPER_CONFIG = ('configs/sqsnet/'
                'sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_ferplus.py')
#: The first 64 images of FER2013Train hold 6 classes with at least 2
#: images each, as QuadSampler needs (3 classes or more, a positive for
#: every anchor).
TRAIN_IMAGES = 64


def small_cfg(path: str, data_root: str, work_dir, batch: int,
              val_images: int) -> Config:
    """``path`` on ``data_root``'s first images, in this process, with
    small batches and no logging below warnings."""
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    for loader, images in (('train_dataloader', TRAIN_IMAGES),
                           ('val_dataloader', val_images)):
        cfg[loader].update(
            batch_size=batch, num_workers=0, persistent_workers=False)
        cfg[loader].dataset.update(data_root=data_root, indices=images)
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = osp.basename(str(work_dir))
    cfg.log_level = 'WARNING'
    return cfg


def train_and_validate(cfg: Config) -> Runner:
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    accuracy = runner.message_hub.get_scalar('val/fer/accuracy').current()
    assert 0 <= accuracy <= 100
    return runner


def test_four_cpu_configs():
    assert len(CPU_CONFIGS) == 4
    assert sum('wo-sqs' in p for p in CPU_CONFIGS) == 2
    assert sum('swin-mini' in p for p in CPU_CONFIGS) == 2


@pytest.mark.parametrize('path', CPU_CONFIGS)
def test_cpu_config_trains_on_ferplus(path, ferplus_root, tmp_path):
    cfg = small_cfg(path, ferplus_root, tmp_path, batch=8, val_images=32)
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    cfg.train_cfg.update(max_iters=2, val_interval=2)
    sampler = cfg.train_dataloader.sampler.type
    assert sampler == ('DefaultSampler' if 'wo-sqs' in path else 'QuadSampler')
    runner = train_and_validate(cfg)
    assert len(runner.train_dataloader.dataset) == TRAIN_IMAGES
    assert len(runner.val_dataloader.dataset) == 32
    assert runner.val_dataloader.dataset.split == 'val'  # FER2013Valid
    # the runtime's ChannelsLastHook converted the trained weights
    convs = [p for p in runner.model.parameters() if p.dim() == 4]
    assert convs and all(
        p.is_contiguous(memory_format=torch.channels_last) for p in convs)


def test_paper_config_trains_on_ferplus(ferplus_root, tmp_path):
    cfg = small_cfg(
        PAPER_CONFIG, ferplus_root, tmp_path, batch=4, val_images=4)
    # no ImageNet weights can be downloaded here: random initialisation
    cfg.model.backbone.local.init_cfg = None
    cfg.model.backbone.global_.init_cfg = None
    # one epoch of 2 quads = 2 iterations of one quad, then validation
    cfg.train_dataloader.sampler.num_anchors = 2
    cfg.train_cfg.update(max_epochs=1, val_interval=1)
    cfg.default_hooks.checkpoint = None  # a 1 GB file otherwise
    runner = train_and_validate(cfg)
    assert runner.model.head.num_classes == 8
    # the paper's Mixup / CutMix on the quads
    assert runner.model.data_preprocessor.batch_augments is not None
