from .checkpoint import (UnsafeCheckpointError, load_checkpoint_weights_only,
                         safe_globals)
from .efficientnet_lite_checkpoint import load_from_efficientnet_lite
from .framework_patches import (register_safe_globals, setup_cpu_distributed,
                                use_weights_only_loader)
from .hooks import ClassCountCheckHook, NonFiniteLossError, NonFiniteLossHook
from .strict_pretrained import StrictPretrainedInit
from .test_cfg import prepare_test_cfg
from .tta import build_tta_pipeline

__all__ = [
    'UnsafeCheckpointError', 'load_checkpoint_weights_only', 'safe_globals',
    'load_from_efficientnet_lite', 'StrictPretrainedInit',
    'register_safe_globals', 'use_weights_only_loader',
    'setup_cpu_distributed', 'ClassCountCheckHook', 'NonFiniteLossError',
    'NonFiniteLossHook', 'build_tta_pipeline', 'prepare_test_cfg'
]
