"""A Runner of a linear model on eight constant inputs."""
import os.path as osp

import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import Dataset


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


def toy_runner(work_dir, inf_at=None, **kwargs) -> Runner:
    """A Runner that trains ``_ToyModel`` for one epoch of 4 iterations."""
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
