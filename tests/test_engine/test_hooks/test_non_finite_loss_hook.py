"""NonFiniteLossHook names the iteration and the term, and stops training."""
import logging

import pytest
import torch

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine import NonFiniteLossError, NonFiniteLossHook
from ..toy_runner import toy_runner


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


def test_non_finite_loss_stops_training(tmp_path):
    runner = toy_runner(
        tmp_path / 'nan',
        inf_at=3,
        custom_hooks=[dict(type='NonFiniteLossHook')])
    with pytest.raises(NonFiniteLossError) as err:
        runner.train()
    assert 'iteration 3 ' in str(err.value)
    assert "'loss_toy' is inf" in str(err.value)
