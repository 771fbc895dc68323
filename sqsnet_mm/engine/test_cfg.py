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
    test pipeline (:func:`build_tta_pipeline`), or else by flip TTA; and
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
        cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    if cfg.get('custom_hooks'):
        cfg.custom_hooks = [
            hook for hook in cfg.custom_hooks
            if hook.get('type') not in ('EarlyStoppingHook',
                                        'mmengine.EarlyStoppingHook')
        ]
    return cfg
