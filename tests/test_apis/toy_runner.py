"""A toy mmengine training run, for the training-curve tests.

Run as ``python toy_runner.py WORK_DIR True|False`` (epoch- or
iteration-based) in a child process: a runner leaves its default scope,
logger and visualizer behind as mmengine's current instances, and the toy
classes are registered in mmengine's registries.
"""
import sys

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.evaluator import BaseMetric
from mmengine.model import BaseModel
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


if __name__ == '__main__':
    train_toy(sys.argv[1], sys.argv[2] == 'True')
