"""SQSNet (Spatial Quad-Similarity network) as MMPretrain components.

Importing the package registers every component into MMPretrain's
registries (``MODELS``, ``DATASETS``, ``DATA_SAMPLERS``, ``METRICS``,
``HOOKS``), so a config only needs::

    custom_imports = dict(imports=['sqsnet_mm'], allow_failed_imports=False)
"""
from . import datasets, engine, evaluation, models  # noqa: F401

__version__ = '0.1.0'
