"""The schedule and runtime bases: the paper's schedule, and the bases of a
top-level config compose."""
import math
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import PARAM_SCHEDULERS

import sqsnet_mm  # noqa: F401

RUNTIME = 'configs/_base_/default_runtime.py'
SCHEDULE = 'configs/_base_/schedules/sqsnet_50e.py'


def test_schedule_is_the_papers():
    cfg = Config.fromfile(SCHEDULE)
    model = torch.nn.Linear(2, 2)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    group = optim_wrapper.optimizer.param_groups[0]
    assert type(optim_wrapper.optimizer).__name__ == 'AdamW'
    assert group['lr'] == 3e-4 and group['weight_decay'] == 1e-5
    iters_per_epoch = 10
    scheduler = PARAM_SCHEDULERS.build(
        cfg.param_scheduler,
        default_args=dict(
            optimizer=optim_wrapper, epoch_length=iters_per_epoch))
    lrs = []
    for _ in range(50 * iters_per_epoch):
        lrs.append(optim_wrapper.optimizer.param_groups[0]['lr'])
        scheduler.step()
    half = 3e-4 * (1 + math.cos(math.pi * 25 / 50)) / 2
    assert lrs[0] == pytest.approx(3e-4)
    assert lrs[25 * iters_per_epoch] == pytest.approx(half)
    assert lrs[-1] < 1e-7 and all(a >= b for a, b in zip(lrs, lrs[1:]))
    assert cfg.train_cfg.max_epochs == 50 and cfg.train_cfg.val_interval == 1


def test_runtime_composes_with_a_dataset_base(tmp_path):
    # the bases of a top-level config load together (no duplicate keys)
    cfg_file = tmp_path / 'composed.py'
    bases = [
        osp.abspath(p) for p in ('configs/_base_/datasets/synthetic_fer.py',
                                 SCHEDULE, RUNTIME)
    ]
    cfg_file.write_text(f'_base_ = {bases!r}\n')
    cfg = Config.fromfile(str(cfg_file))
    assert cfg.default_scope == 'mmpretrain'
    assert cfg.custom_imports.imports == ['sqsnet_mm']
    assert cfg.default_hooks.checkpoint.save_best == 'fer/accuracy'
    assert cfg.default_hooks.checkpoint.rule == 'greater'
    hooks = {h['type']: h for h in cfg.custom_hooks}
    assert hooks['EarlyStoppingHook']['monitor'] == 'fer/accuracy'
    assert 'NonFiniteLossHook' in hooks
    assert cfg.val_evaluator.type == 'FERMetric'
