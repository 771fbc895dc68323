"""tools/analysis_tools/plot_curves.py on the scalars.json that mmengine
writes during real (toy) epoch- and iteration-based training runs."""
import json

import cv2
import pytest
import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
from mmengine.config import Config
from mmengine.registry import DATASETS, METRICS, MODELS
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import Dataset


@MODELS.register_module(force=True)
class ToyModel(BaseModel):
    """A linear classifier of 2-d points."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 2)

    def forward(self, inputs, labels, mode='tensor'):
        logits = self.fc(inputs)
        if mode == 'loss':
            return dict(loss=F.cross_entropy(logits, labels))
        return list(zip(logits.argmax(1), labels))


@DATASETS.register_module(force=True)
class ToyPoints(Dataset):
    """16 points of two classes."""

    def __init__(self):
        gen = torch.Generator().manual_seed(0)
        self.points = [
            dict(
                inputs=torch.randn(2, generator=gen) + 2 * (i % 2),
                labels=torch.tensor(i % 2)) for i in range(16)
        ]

    def __len__(self):
        return len(self.points)

    def __getitem__(self, index):
        return self.points[index]


@METRICS.register_module(force=True)
class ToyAccuracy(BaseMetric):
    default_prefix = 'toy'

    def process(self, data_batch, data_samples):
        self.results.extend(int(p == t) for p, t in data_samples)

    def compute_metrics(self, results):
        return dict(accuracy=100 * sum(results) / len(results))


def train_toy(work_dir: str, by_epoch: bool) -> None:
    """12 iterations of batch 4 (3 epochs of 16 points), validation every 4
    iterations (every epoch), loss logged every 3 iterations (in epoch
    mode: at the third of each epoch's 4, never at an epoch's end)."""
    loader = dict(
        dataset=dict(type='ToyPoints'),
        batch_size=4,
        sampler=dict(type='DefaultSampler', shuffle=True),
        collate_fn=dict(type='default_collate'))
    train_cfg = dict(by_epoch=True, max_epochs=3, val_interval=1) \
        if by_epoch else dict(by_epoch=False, max_iters=12, val_interval=4)
    Runner.from_cfg(
        Config(
            dict(
                model=dict(type='ToyModel'),
                work_dir=work_dir,
                experiment_name=f'toy_{by_epoch}',
                train_dataloader=loader,
                val_dataloader=loader,
                val_cfg=dict(),
                val_evaluator=dict(type='ToyAccuracy'),
                optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
                train_cfg=train_cfg,
                default_hooks=dict(
                    logger=dict(type='LoggerHook', interval=3),
                    checkpoint=None),
                log_processor=dict(by_epoch=by_epoch),
                visualizer=dict(
                    type='Visualizer',
                    name=f'toy_{by_epoch}',
                    vis_backends=[dict(type='LocalVisBackend')]),
                randomness=dict(seed=0)))).train()


@pytest.mark.parametrize('by_epoch', [True, False])
def test_curves_of_a_training_run(tmp_path, load_tool, capsys, by_epoch):
    work_dir = tmp_path / 'run'
    train_toy(str(work_dir), by_epoch)
    (scalars, ) = work_dir.glob('*/vis_data/scalars.json')
    logged = [json.loads(line) for line in scalars.read_text().splitlines()]
    tool = load_tool('analysis_tools/plot_curves')
    assert tool.find_scalars(str(work_dir)) == str(scalars)
    train, val, exact = tool.load_scalars(str(scalars))
    assert train['loss'] == ([r['step'] for r in logged if 'lr' in r],
                             [r['loss'] for r in logged if 'lr' in r])
    assert train['loss'][0] == ([3, 7, 11] if by_epoch else [3, 6, 9, 12])
    # validation after iterations 4, 8 and 12, whatever mmengine's stamp
    # (the epoch, or 0) and although no loss was logged at 4 and 8
    assert exact
    assert val['toy/accuracy'] == ([4, 8, 12], [
        r['toy/accuracy'] for r in logged if 'toy/accuracy' in r
    ])
    capsys.readouterr()  # the training log
    assert tool.main([str(work_dir)]) == 0
    out = scalars.parent.parent / 'training_curves.png'
    assert capsys.readouterr().out == f'Training curves: {out}\n'
    image = cv2.imread(str(out))
    assert image is not None and image.std() > 0


def test_curve_errors(tmp_path, load_tool):
    tool = load_tool('analysis_tools/plot_curves')
    with pytest.raises(FileNotFoundError, match='no training scalars in'):
        tool.main([str(tmp_path)])
    scalars = tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json'
    scalars.parent.mkdir(parents=True)
    scalars.write_text('{"lr": 0.1, "loss": 1.0, "step": 1}\n{"loss": \n')
    with pytest.raises(ValueError, match=r'scalars.json, line 2: not JSON'):
        tool.main([str(tmp_path)])
    scalars.write_text('{"lr": 0.1, "loss": 1.0, "step": 1}\n')
    with pytest.raises(
            ValueError,
            match=r"\['loss_x'\] not logged; logged: "
            r"\['loss', 'lr'\]"):
        tool.main([str(tmp_path), '--train-keys', 'loss_x'])
    assert tool.main([str(tmp_path), '--out', str(tmp_path / 'c.png')]) == 0
    assert (tmp_path / 'c.png').is_file()


def test_validation_without_log_or_config(tmp_path, load_tool, capsys):
    """Without the run's text log and config, a validation stamped with
    its epoch is put at the last logged iteration, and a note says so."""
    tool = load_tool('analysis_tools/plot_curves')
    scalars = tmp_path / 'vis_data' / 'scalars.json'
    scalars.parent.mkdir()
    scalars.write_text(
        '{"lr": 0.1, "loss": 1.0, "epoch": 1, "iter": 5, "step": 5}\n'
        '{"accuracy/top1": 50.0, "step": 1}\n')
    train, val, exact = tool.load_scalars(str(scalars))
    assert val == {'accuracy/top1': ([5], [50.0])} and not exact
    assert tool.main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith('note: validation points are at the last logged')
    assert out.endswith(f'Training curves: {tmp_path}/training_curves.png\n')
