"""Stop training as soon as a loss turns NaN or infinite."""
import math
from typing import Dict, Optional, Sequence

import torch
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


class NonFiniteLossError(FloatingPointError):
    """A loss term became NaN or infinite during training."""


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` when a loss is NaN or infinite.

    After every ``interval`` training iterations the hook checks the loss
    terms the model returned (the ``log_vars`` of ``train_step``: every key
    containing ``'loss'``, and the total ``'loss'``). The error names the
    iteration, the epoch and each non-finite term with its value, for
    example ``loss term 'loss_sqs' is nan at iteration 12 (epoch 1)``.
    Training stops there; the last checkpoint stays valid.

    Args:
        interval: Check every ``interval`` iterations. Defaults to 1
            (every iteration: the check reads a few scalars).
    """
    priority = 'VERY_HIGH'

    def __init__(self, interval: int = 1) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.interval = interval

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[Sequence[dict]] = None,
                         outputs: Optional[Dict[str, torch.Tensor]] = None
                         ) -> None:
        """Check the loss terms of the iteration that just ran."""
        if not outputs or not self.every_n_train_iters(runner, self.interval):
            return
        bad = {}
        for name, value in outputs.items():
            if 'loss' not in name:
                continue
            value = float(value.detach().float().mean()) if isinstance(
                value, torch.Tensor) else float(value)
            if not math.isfinite(value):
                bad[name] = value
        if not bad:
            return
        # Name the individual terms; the total only when no term explains it.
        terms = {k: v for k, v in bad.items() if k != 'loss'} or bad
        described = ', '.join(f'{k!r} is {v}' for k, v in terms.items())
        message = (f'Non-finite loss at iteration {runner.iter + 1} '
                   f'(epoch {runner.epoch + 1}, batch {batch_idx + 1}): '
                   f'loss term {described}. Stopping training; the last '
                   'saved checkpoint is unaffected.')
        runner.logger.error(message)
        raise NonFiniteLossError(message)
