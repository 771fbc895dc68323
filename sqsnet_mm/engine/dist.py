"""Distributed training and testing on machines without CUDA (gloo).

mmengine 0.10.7 assumes GPUs once ``launcher != 'none'``: ``init_dist`` calls
``torch.cuda.set_device(local_rank)`` and ``Runner.wrap_model`` builds
``MMDistributedDataParallel(device_ids=[LOCAL_RANK])``; both fail without
CUDA. :func:`setup_cpu_distributed` works around exactly these two calls and
leaves GPU runs untouched.
"""
from unittest import mock

import torch
from mmengine.config import Config, ConfigDict
from mmengine.dist import init_dist, is_distributed

__all__ = ['setup_cpu_distributed']


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare ``cfg`` and the process group for a CPU-only distributed run.

    Does nothing (returns False) when ``cfg.launcher`` is ``'none'`` or CUDA
    is available. Otherwise it

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
