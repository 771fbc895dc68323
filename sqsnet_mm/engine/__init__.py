from .checkpoint import (UnsafeCheckpointError, load_checkpoint_weights_only,
                         register_safe_globals)
from .dist import setup_cpu_distributed
from .hooks import NonFiniteLossError, NonFiniteLossHook
from .tta import build_tta_pipeline

register_safe_globals()

__all__ = [
    'UnsafeCheckpointError', 'load_checkpoint_weights_only',
    'register_safe_globals', 'setup_cpu_distributed', 'NonFiniteLossError',
    'NonFiniteLossHook', 'build_tta_pipeline'
]
