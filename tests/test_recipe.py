"""Recipe components in process: FERMetric, NonFiniteLossHook, weights-only
checkpoint loading, TTA views and the schedule/runtime configs."""
import json
import logging
import math
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.logging import HistoryBuffer
from mmengine.model import BaseModel
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader, Runner
from mmpretrain.registry import PARAM_SCHEDULERS, TRANSFORMS
from mmpretrain.structures import DataSample
from torch.utils.data import Dataset

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine import (NonFiniteLossError, NonFiniteLossHook,
                              UnsafeCheckpointError, build_tta_pipeline)
from sqsnet_mm.evaluation import FERMetric

RUNTIME = 'configs/_base_/default_runtime.py'
SCHEDULE = 'configs/_base_/schedules/sqsnet_50e.py'


def evaluate(gt, pred, classes=('a', 'b', 'c'), **kwargs):
    """FERMetric through mmengine's Evaluator on one-hot scores."""
    metric = FERMetric(**kwargs)
    evaluator = Evaluator(metric)
    evaluator.dataset_meta = dict(classes=classes)
    samples = []
    for g, p in zip(gt, pred):
        score = torch.zeros(len(classes))
        score[p] = 1
        samples.append(DataSample().set_gt_label(g).set_pred_score(score))
    evaluator.process(samples)
    return evaluator.evaluate(len(samples))


# ----------------------------------------------------------------- FERMetric
def test_fer_metric_hand_computed():
    # confusion matrix (rows truth): a: [2, 1, 0], b: [0, 1, 1], c: [0, 0, 1]
    # F1: a 2*2/(3+2)=0.8, b 2*1/(2+2)=0.5, c 2*1/(1+2)=2/3
    # recall: a 2/3, b 1/2, c 1
    res = evaluate(gt=[0, 0, 0, 1, 1, 2], pred=[0, 0, 1, 1, 2, 2])
    expect = {
        'fer/accuracy': 4 / 6 * 100,
        'fer/macro_f1': (0.8 + 0.5 + 2 / 3) / 3 * 100,
        'fer/weighted_f1': (3 * 0.8 + 2 * 0.5 + 1 * 2 / 3) / 6 * 100,
        'fer/balanced_accuracy': (2 / 3 + 1 / 2 + 1) / 3 * 100,
        'fer/f1_a': 80.0,
        'fer/f1_b': 50.0,
        'fer/f1_c': 200 / 3,
        'fer/f1_min': 50.0,
        'fer/f1_max': 80.0,
        'fer/f1_range': 30.0,
    }
    assert res.keys() == expect.keys()
    for key, value in expect.items():
        assert res[key] == pytest.approx(value), key


def test_fer_metric_imbalanced_differs_from_accuracy():
    # 8 of class a (all right), 2 of class b (all predicted a)
    res = evaluate(gt=[0] * 8 + [1] * 2, pred=[0] * 10, classes=('a', 'b'))
    assert res['fer/accuracy'] == pytest.approx(80.0)
    assert res['fer/balanced_accuracy'] == pytest.approx(50.0)
    f1_a = 2 * 8 / (8 + 10) * 100
    assert res['fer/macro_f1'] == pytest.approx(f1_a / 2)
    assert res['fer/weighted_f1'] == pytest.approx(f1_a * 0.8)
    assert res['fer/f1_range'] == pytest.approx(f1_a)


def test_fer_metric_class_absent_everywhere_is_left_out():
    # class c never occurs nor is predicted: no F1, not in the averages
    res = evaluate(gt=[0, 1, 1], pred=[0, 1, 0])
    assert 'fer/f1_c' not in res
    f1_a, f1_b = 2 / 3, 2 / 3
    assert res['fer/macro_f1'] == pytest.approx((f1_a + f1_b) / 2 * 100)
    assert res['fer/balanced_accuracy'] == pytest.approx(75.0)


def test_fer_metric_predicted_only_class_counts_in_macro_f1():
    # class c predicted once but absent from the truth: F1 0 in macro-F1
    # (scikit-learn's convention), not in balanced accuracy or the F1 range
    res = evaluate(gt=[0, 1], pred=[0, 2])
    assert res['fer/f1_c'] == 0.0
    assert res['fer/macro_f1'] == pytest.approx(100 / 3)
    assert res['fer/balanced_accuracy'] == pytest.approx(50.0)
    assert res['fer/f1_min'] == 0.0 and res['fer/f1_max'] == 100.0


def test_fer_metric_writes_json_and_png(tmp_path):
    res = evaluate(
        gt=[0, 0, 1, 2], pred=[0, 1, 1, 2], out_dir=str(tmp_path),
        prefix='val')
    assert res['val/accuracy'] == pytest.approx(75.0)
    with open(tmp_path / 'val_metrics.json') as f:
        saved = json.load(f)
    assert saved['classes'] == ['a', 'b', 'c']
    assert saved['num_samples'] == 4
    assert saved['confusion_matrix'] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert saved['metrics']['accuracy'] == pytest.approx(75.0)
    png = tmp_path / 'val_confusion_matrix.png'
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_fer_metric_bad_input():
    with pytest.raises(ValueError, match='label out of range'):
        evaluate(gt=[0, 3], pred=[0, 1], num_classes=3)
    with pytest.raises(ValueError, match='dataset_meta has 3 classes'):
        evaluate(gt=[0], pred=[0], num_classes=4)


# ------------------------------------------------------ NonFiniteLossHook
class _Runner:
    """What the hook reads of a runner."""

    def __init__(self, it, epoch=0):
        self.iter, self.epoch = it, epoch
        self.logger = logging.getLogger('test')


def test_non_finite_loss_hook_names_iteration_and_term():
    hook = NonFiniteLossHook()
    finite = dict(loss=torch.tensor(1.), loss_cls=torch.tensor(1.))
    hook.after_train_iter(_Runner(4), 0, outputs=finite)
    bad = dict(
        loss=torch.tensor(float('nan')),
        loss_cls=torch.tensor(0.7),
        loss_sqs=torch.tensor(float('nan')),
        sqs_active=torch.tensor(1.))
    with pytest.raises(NonFiniteLossError) as err:
        hook.after_train_iter(_Runner(11, epoch=2), 3, outputs=bad)
    message = str(err.value)
    assert 'iteration 12' in message and 'epoch 3' in message
    assert "'loss_sqs' is nan" in message and 'loss_cls' not in message
    # an overflow of the sum only: the total is named
    total = dict(loss=torch.tensor(float('inf')), loss_a=torch.tensor(1e38))
    with pytest.raises(NonFiniteLossError, match="'loss' is inf"):
        hook.after_train_iter(_Runner(0), 0, outputs=total)
    # every_n: iteration 1 of interval 2 is not checked
    NonFiniteLossHook(interval=2).after_train_iter(_Runner(0), 0, outputs=bad)


class _ToyData(Dataset):

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return dict(inputs=torch.full((2, ), float(i)))


class _ToyModel(BaseModel):
    """A linear model whose ``loss_toy`` is infinite at call ``inf_at``."""

    def __init__(self, inf_at=None):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)
        self.calls = 0
        self.inf_at = inf_at

    def forward(self, inputs, data_samples=None, mode='tensor'):
        self.calls += 1
        out = self.linear(inputs).mean()
        scale = float('inf') if self.calls == self.inf_at else 1.0
        return dict(loss_fit=out**2, loss_toy=out.abs() * scale)


def _toy_runner(work_dir, inf_at=None, **kwargs):
    return Runner(
        model=_ToyModel(inf_at),
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=_ToyData(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2,
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_scope='mmpretrain',
        default_hooks=dict(logger=dict(type='LoggerHook', interval=1)),
        experiment_name=osp.basename(str(work_dir)),
        **kwargs)


def test_non_finite_loss_stops_training(tmp_path):
    runner = _toy_runner(
        tmp_path / 'nan',
        inf_at=3,
        custom_hooks=[dict(type='NonFiniteLossHook')])
    with pytest.raises(NonFiniteLossError) as err:
        runner.train()
    assert 'iteration 3 ' in str(err.value)
    assert "'loss_toy' is inf" in str(err.value)


# ---------------------------------------------------- weights-only loading
def test_mmengine_checkpoint_loads_weights_only(tmp_path):
    # a real mmengine checkpoint: message hub HistoryBuffers, numpy values
    _toy_runner(tmp_path / 'ckpt').train()
    path = str(tmp_path / 'ckpt' / 'epoch_1.pth')
    # without the allow-list torch refuses it
    allowed = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
        assert 'mmengine.logging.history_buffer.HistoryBuffer' in unsafe
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path)
    finally:
        torch.serialization.add_safe_globals(allowed)
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    buffers = ckpt['message_hub']['log_scalars']
    assert isinstance(buffers['train/loss'], HistoryBuffer)
    assert buffers['train/loss'].mean() == pytest.approx(
        float(np.mean(buffers['train/loss'].data[0])))
    # torch.load as mmengine calls it (no weights_only) works as well
    assert torch.load(path)['meta']['epoch'] == 1


class _Payload:
    """Pickles as a call of ``open(marker, 'w')``: it would create a file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


class _Lookup:
    """Pickles as ``getattr(HistoryBuffer, name)``."""

    def __init__(self, name):
        self.name = name

    def __reduce__(self):
        return (getattr, (HistoryBuffer, self.name))


def test_pickled_object_is_refused(tmp_path):
    marker = tmp_path / 'executed'
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, extra=_Payload(str(marker))), path)
    with pytest.raises(UnsafeCheckpointError) as err:
        CheckpointLoader.load_checkpoint(path)
    assert 'evil.pth' in str(err.value) and 'open' in str(err.value)
    assert 'weights_only` set to `False' not in str(err.value)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)
    assert not marker.exists()


@pytest.mark.parametrize('name', ['__init__', '_statistics_methods',
                                  '__class__'])
def test_getattr_only_reaches_history_buffer_methods(tmp_path, name):
    path = str(tmp_path / 'lookup.pth')
    torch.save(dict(x=_Lookup(name)), path)
    with pytest.raises(UnsafeCheckpointError, match='refused getattr'):
        CheckpointLoader.load_checkpoint(path)
    torch.save(dict(x=_Lookup('mean')), path)
    assert CheckpointLoader.load_checkpoint(path)['x'] is HistoryBuffer.mean


# ------------------------------------------------------------ TTA and config
def test_tta_views_of_default_runtime():
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(RUNTIME)
    assert cfg.tta_model.type == 'AverageClsScoreTTA'
    test_pipeline = [
        dict(type='LoadImageFromNDArray'),
        dict(type='Resize', scale=32),
        dict(type='PackInputs')
    ]
    pipeline = build_tta_pipeline(test_pipeline, cfg.tta_views)
    assert pipeline[:2] == test_pipeline[:2]
    assert len(pipeline[-1]['transforms'][0]) == 5
    img = np.zeros((32, 32, 3), np.uint8)
    img[:, 8] = 255  # a vertical line at x=8
    img[8, :] = 255  # a horizontal line at y=8
    results = TRANSFORMS.build(pipeline[1])(dict(img=img))
    tta = TRANSFORMS.build(pipeline[-1])(results)
    views = [x.numpy()[0] for x in tta['inputs']]
    assert len(views) == 5 and all(v.shape == (32, 32) for v in views)
    cols = [int(np.argmax(v[16])) for v in views]  # row 16 crosses x-line
    rows = [int(np.argmax(v[:, 20])) for v in views]  # column 20: y-line
    assert cols == [8, 23, 6, 10, 8]  # unchanged, mirrored, 1/16 shifts
    assert rows == [8, 8, 8, 8, 6]  # the fifth view is shifted up
    assert views[3][:, :2].min() == 128  # grey fill of the uncovered border


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
