"""The test-time form of a training config, shared by ``tools/test.py`` and
the in-process runs of :mod:`sqsnet_mm.analysis.experiments`."""
from mmengine.config import Config, ConfigDict

from .tta import build_tta_pipeline

__all__ = ['prepare_test_cfg']


def prepare_test_cfg(cfg: Config, checkpoint: str, tta: bool = False) -> Config:
    """Make ``cfg`` test ``checkpoint``, in place.

    Sets ``load_from``; with ``tta``, wraps the model in the config's
    ``tta_model`` (``AverageClsScoreTTA`` by default) and replaces the test
    pipeline by the config's ``tta_pipeline``, or else by its
    ``tta_views`` (5 views in ``default_runtime.py``) applied after the
    test pipeline (:func:`build_tta_pipeline`), or else by flip TTA (the
    model keeps its own data preprocessor); and
    leaves out ``EarlyStoppingHook``, whose ``before_run`` would build the
    training loop and its data set, which a test neither needs nor may have.

    Args:
        cfg: A training config.
        checkpoint: The checkpoint to test.
        tta: Test with test-time augmentation.

    Returns:
        Config: ``cfg``.
    """
    cfg.load_from = checkpoint
    if tta:
        if 'tta_model' not in cfg:
            cfg.tta_model = dict(type='mmpretrain.AverageClsScoreTTA')
        if 'tta_pipeline' not in cfg:
            views = cfg.get('tta_views') or [
                dict(type='RandomFlip', prob=1.),
                dict(type='RandomFlip', prob=0.)
            ]
            cfg.tta_pipeline = build_tta_pipeline(
                cfg.test_dataloader.dataset.pipeline, views)
        # mmengine's BaseTTAModel gives its own data_preprocessor to the
        # model it wraps, and the runner gives the wrapper the config's
        # top-level one: a model with its own normalisation (e.g. the
        # [-1, 1] inputs of the Lite0 configs) would lose it under TTA.
        wrapper = ConfigDict(**cfg.tta_model, module=cfg.model)
        if 'data_preprocessor' in cfg.model:
            wrapper.data_preprocessor = cfg.model.data_preprocessor
        cfg.model = wrapper
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    if cfg.get('custom_hooks'):
        cfg.custom_hooks = [
            hook for hook in cfg.custom_hooks
            if hook.get('type') not in ('EarlyStoppingHook',
                                        'mmengine.EarlyStoppingHook')
        ]
    return cfg
