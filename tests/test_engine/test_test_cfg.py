"""prepare_test_cfg: the checkpoint, TTA from the config's views, and no
EarlyStoppingHook."""
from mmengine.config import Config

from sqsnet_mm.engine import prepare_test_cfg

TINY = 'configs/sqsnet/sqsnet_tiny_synthetic.py'


def test_plain_test_keeps_model_and_pipeline():
    cfg = Config.fromfile(TINY)
    pipeline = cfg.test_dataloader.dataset.pipeline
    prepare_test_cfg(cfg, 'w/epoch_5.pth')
    assert cfg.load_from == 'w/epoch_5.pth'
    assert cfg.model.type == 'QuadImageClassifier'
    assert cfg.test_dataloader.dataset.pipeline == pipeline
    hooks = [h['type'] for h in cfg.custom_hooks]
    assert 'EarlyStoppingHook' not in hooks and 'NonFiniteLossHook' in hooks


def test_tta_wraps_the_model_and_adds_the_views():
    cfg = Config.fromfile(TINY)
    model = cfg.model.to_dict()
    prepare_test_cfg(cfg, 'c.pth', tta=True)
    assert cfg.model.type == 'AverageClsScoreTTA'
    assert cfg.model.module.to_dict() == model
    tta = cfg.test_dataloader.dataset.pipeline[-1]
    assert tta.type == 'TestTimeAug'
    assert len(tta.transforms[0]) == len(cfg.tta_views) == 5
