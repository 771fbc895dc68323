"""prepare_test_cfg: the checkpoint, TTA from the config's views, and no
EarlyStoppingHook."""
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

from sqsnet_mm.engine import prepare_test_cfg

TINY = 'configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py'
LITE0 = ('configs/sqsnet/'
         'sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_synthetic-96px.py')


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


def test_tta_keeps_the_models_own_normalisation():
    # The Lite0 configs normalise to [-1, 1] in the model; the top-level
    # data_preprocessor has ImageNet statistics. mmengine's TTA wrapper
    # hands its preprocessor to the module, so it must be the model's.
    cfg = Config.fromfile(LITE0)
    own = cfg.model.data_preprocessor.to_dict()
    assert own['mean'] != cfg.data_preprocessor['mean']
    prepare_test_cfg(cfg, 'c.pth', tta=True)
    assert cfg.model.data_preprocessor.to_dict() == own
    init_default_scope('mmpretrain')
    # as mmengine's Runner does with a model config
    cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(cfg.model)
    assert model.module.data_preprocessor.mean.flatten().tolist() == \
        own['mean']
