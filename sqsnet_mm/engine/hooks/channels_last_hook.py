"""Run the model in the channels-last memory format."""
from typing import Any

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


def _to_channels_last(module: torch.nn.Module, args: Any,
                      output: Any) -> Any:
    """Forward hook of a data preprocessor: its 4-D ``inputs`` in the
    channels-last memory format (values and shape unchanged)."""
    if isinstance(output, dict) and isinstance(
            output.get('inputs'), torch.Tensor) and output['inputs'].dim() == 4:
        output = dict(output)
        output['inputs'] = output['inputs'].contiguous(
            memory_format=torch.channels_last)
    return output


def to_channels_last(model: torch.nn.Module) -> None:
    """Store ``model``'s 4-D parameters and buffers channels-last in place
    and make its ``data_preprocessor`` return channels-last ``inputs``; a
    second call on the same model does nothing.

    Args:
        model (torch.nn.Module): A model with a ``data_preprocessor``
            (an mmengine ``BaseModel``), unwrapped.
    """
    if getattr(model, '_channels_last_hook', None) is not None:
        return
    model.to(memory_format=torch.channels_last)
    model._channels_last_hook = model.data_preprocessor.register_forward_hook(
        _to_channels_last)


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's 4-D weights and its input batches channels-last.

    Convolutions on CPUs (oneDNN) and on GPUs (cuDNN with tensor cores) run
    faster on ``N x H x W x C`` tensors; PyTorch keeps the layout through the
    network once the input and the weights have it. Before the run (train,
    val or test) the hook converts the parameters of the model in place
    (``Module.to(memory_format=torch.channels_last)``, so an optimizer built
    before keeps its parameters) and makes the model's data preprocessor
    return channels-last ``inputs``. Values, shapes and checkpoints are
    unchanged: a checkpoint saved with the hook loads without it and the
    other way round. ``tools/analysis_tools/train_speed.py`` measures the
    gain against the default layout.
    """
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        # The TTA wrapper holds the classifier as `module` as well.
        to_channels_last(getattr(model, 'module', model))
