"""Every change sqsnet_mm makes to the behaviour of torch and mmengine.

The rest of the package only registers components. Each change it makes
to the frameworks is here, with its reason and its scope:

- :func:`register_safe_globals`, applied by ``import sqsnet_mm`` (so also
  in MMPretrain's own tools run with
  ``custom_imports=dict(imports=['sqsnet_mm'])``). mmengine 0.10.7 calls
  ``torch.load`` without ``weights_only``; on torch >= 2.6 that means
  weights-only, and mmengine's own checkpoints (the message hub's
  ``HistoryBuffer``, numpy values) then fail to load on ``resume`` and
  ``load_from``. The change only adds objects to torch's weights-only
  allow-list (a ``getattr`` that reaches nothing but ``HistoryBuffer``'s
  public methods included), so code pickled in a checkpoint is still
  refused by torch's weights-only unpickler. It is the only global change.
- :func:`use_weights_only_loader`, applied by ``tools/train.py``,
  ``tools/test.py`` and the in-process runs of the seeds and sweep tools
  (:mod:`sqsnet_mm.analysis.experiments`) to their own process. mmengine's loader for local
  files becomes one that always passes ``weights_only=True`` (whatever the
  torch version or ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``) and names the file
  and the refused object in an :class:`UnsafeCheckpointError`.
- :func:`setup_cpu_distributed`, applied by ``tools/train.py`` and
  ``tools/test.py`` when launched distributed on a machine without CUDA:
  mmengine 0.10.7 assumes CUDA once ``launcher != 'none'``.
"""
from unittest import mock

import torch
from mmengine.config import Config, ConfigDict
from mmengine.dist import init_dist, is_distributed
from mmengine.runner import CheckpointLoader

from .checkpoint import load_checkpoint_weights_only, safe_globals

__all__ = [
    'register_safe_globals', 'use_weights_only_loader',
    'setup_cpu_distributed'
]


def register_safe_globals() -> None:
    """Allow-list what mmengine/MMPretrain checkpoints hold besides tensors
    (:func:`~sqsnet_mm.engine.checkpoint.safe_globals`) for
    ``torch.load(weights_only=True)``, process-wide. Called by
    ``import sqsnet_mm``."""
    torch.serialization.add_safe_globals(safe_globals())


def use_weights_only_loader() -> None:
    """Make :func:`~sqsnet_mm.engine.checkpoint.load_checkpoint_weights_only`
    mmengine's loader for local files (``CheckpointLoader`` prefix ``''``),
    so ``load_from``, ``resume``, ``load_checkpoint`` and the ``Pretrained``
    initialiser of this process all load weights-only."""
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_checkpoint_weights_only, force=True)


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare ``cfg`` and the process group for a CPU-only distributed run.

    mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device(local_rank)``
    and ``Runner.wrap_model`` builds
    ``MMDistributedDataParallel(device_ids=[LOCAL_RANK])``; both fail without
    CUDA. This works around exactly these two calls and leaves GPU runs
    untouched: it does nothing (returns False) when ``cfg.launcher`` is
    ``'none'`` or CUDA is available. Otherwise it

    1. initialises the process group with the ``gloo`` backend through
       mmengine's own ``init_dist`` (so the launcher's environment variables
       are read as usual), with ``torch.cuda.set_device`` made a no-op for the
       duration of that call only; the Runner then finds the group ready and
       does not initialise it again;
    2. sets ``cfg.model_wrapper_cfg`` so the model is wrapped in
       ``MMDistributedDataParallel`` with ``device_ids=None``, the CPU form
       of DDP (an explicit ``device_ids`` is not overridden by the Runner's
       defaults). A ``model_wrapper_cfg`` already in the config is kept, with
       ``device_ids=None`` added.

    Args:
        cfg: The full config, with ``launcher`` already merged from the
            command line. ``env_cfg.dist_cfg`` other than ``backend`` (for
            example ``timeout``) is passed on to ``init_dist``.

    Returns:
        bool: True when the CPU set-up was applied.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available():
        return False
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    dist_cfg['backend'] = 'gloo'
    cfg.setdefault('env_cfg', ConfigDict())
    cfg.env_cfg.dist_cfg = dist_cfg
    if not is_distributed():
        with mock.patch.object(torch.cuda, 'set_device', lambda device: None):
            init_dist(launcher, **dist_cfg)
    wrapper = cfg.get('model_wrapper_cfg') or ConfigDict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return True
