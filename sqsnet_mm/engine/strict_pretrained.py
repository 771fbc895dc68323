"""``StrictPretrained``: mmengine's ``Pretrained`` initialiser that refuses a
checkpoint which does not fit the module exactly.

mmengine's ``PretrainedInit`` loads with ``strict=False``: a checkpoint
whose names or shapes do not fit the module is only warned about in the log,
and the module trains on from whatever it held before (usually random
weights). :class:`StrictPretrainedInit` loads with the same checkpoint
schemes (local files, ``efficientnet-lite://`` ...), the same ``prefix``
option and mmengine's own ``load_state_dict``, but first compares every name
and shape and raises an error naming the checkpoint, the module and the
first mismatch.

It is registered in mmengine's root ``WEIGHT_INITIALIZERS``, so
``init_cfg=dict(type='StrictPretrained', checkpoint=...)`` is found with or
without a default scope (under the Runner and after a plain
``MODELS.build(cfg).init_weights()``). mmengine's ``BaseModule`` applies
the type named ``'Pretrained'`` after the module's children have run their
own ``init_weights``; every other type, this one included, before them. It
therefore belongs on a module whose children do not initialise themselves,
such as ``TIMMBackbone`` (timm's models have no ``init_weights``).
"""
import re
from typing import Dict, List

import torch
from mmengine.model import PretrainedInit, update_init_info
from mmengine.registry import WEIGHT_INITIALIZERS
from mmengine.runner import load_state_dict
from mmengine.runner.checkpoint import (_load_checkpoint,
                                        _load_checkpoint_with_prefix)
from torch import nn

__all__ = ['StrictPretrainedInit', 'state_dict_mismatches']


def state_dict_mismatches(model: Dict[str, torch.Tensor],
                          checkpoint: Dict[str, torch.Tensor]) -> List[str]:
    """Every difference between two state dicts, the module's order first.

    A ``num_batches_tracked`` counter missing from the checkpoint is not a
    difference (mmengine's ``load_state_dict`` ignores it too).

    Args:
        model: The module's state dict.
        checkpoint: The state dict to load.

    Returns:
        list[str]: One line per missing, unexpected or differently shaped
        tensor; empty when the two fit exactly.
    """
    mismatches = []
    for key, value in model.items():
        if key not in checkpoint:
            if not key.endswith('num_batches_tracked'):
                mismatches.append(f'{key}: missing in the checkpoint')
        elif tuple(checkpoint[key].shape) != tuple(value.shape):
            mismatches.append(f'{key}: shape {tuple(checkpoint[key].shape)} '
                              f'in the checkpoint, {tuple(value.shape)} in '
                              'the module')
    mismatches += [
        f'{key}: not in the module' for key in checkpoint if key not in model
    ]
    return mismatches


@WEIGHT_INITIALIZERS.register_module(name='StrictPretrained')
class StrictPretrainedInit(PretrainedInit):
    """Initialise a module from a checkpoint whose tensors must fit it
    exactly.

    Args:
        checkpoint (str): The checkpoint, in any of mmengine's
            ``CheckpointLoader`` schemes.
        prefix (str, optional): Load only the tensors under this prefix of
            the checkpoint (e.g. ``'backbone.'``), with the prefix removed.
            Defaults to None.
        map_location (str): As for ``torch.load``. Defaults to ``'cpu'``.
    """

    def __call__(self, module: nn.Module) -> None:
        """Load the checkpoint into ``module``.

        Raises:
            RuntimeError: A tensor of the module is missing from the
                checkpoint, the checkpoint holds one the module has not, or
                a shape differs; the message names the checkpoint, the
                module and the first mismatch.
        """
        if self.prefix is None:
            checkpoint = _load_checkpoint(
                self.checkpoint, self.map_location, logger='current')
            state_dict = checkpoint.get('state_dict', checkpoint)
            # as mmengine's load_checkpoint: no wrapper prefix
            state_dict = {
                re.sub(r'^module\.', '', k): v
                for k, v in state_dict.items()
            }
        else:
            state_dict = _load_checkpoint_with_prefix(
                self.prefix, self.checkpoint, map_location=self.map_location)
        mismatches = state_dict_mismatches(module.state_dict(), state_dict)
        if mismatches:
            raise RuntimeError(
                f'checkpoint {self.checkpoint} does not fit '
                f'{type(module).__name__} (mismatches: {len(mismatches)}); '
                f'first: {mismatches[0]}')
        load_state_dict(module, state_dict, strict=True, logger='current')
        if hasattr(module, '_params_init_info'):
            update_init_info(module, init_info=self._get_init_info())
