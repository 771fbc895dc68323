"""Parameters and FLOPs of every SQSNet config, next to the paper's Table 3.

Each config is built with random weights as the recipe's efficiency tool
builds it (:func:`~sqsnet_mm.analysis.builders.build_models`,
:func:`~sqsnet_mm.analysis.efficiency.complexity`), so the figures here are
the ones ``tools/analysis_tools/efficiency.py`` prints:
parameters of the training model (with SQS and the enhanced classifier)
and of the deployed classifier, and GFLOPs of the deployed classifier at
batch 1 (mmengine/fvcore counter, one multiply-add = one FLOP) at the size
of the config's test pipeline. Reference rows give MMPretrain's
EfficientNet-B6 and Swin-S/Swin-T with their ImageNet heads, which show why
the paper's 43.5 M / 8.1 G for SQSNet cannot be right.

Example::

    python tools/analysis_tools/complexity.py            # every configs/sqsnet/*.py
    python tools/analysis_tools/complexity.py \\
        configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py
"""
import argparse
import glob
import os.path as osp
from typing import List, Optional

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.registry import init_default_scope

from .builders import build_model, build_models, count_params, input_shape
from .efficiency import complexity
from .timing import markdown

#: Paper Table 3 (Params M, FLOPs G, inference ms, training h, GPU GB).
PAPER_TABLE3 = {
    'MobileNetV2_100': (2.2, 0.61, 7.1, 3.2, 2.1),
    'EfficientNet-Lite0': (4.6, 0.75, 7.4, 4.8, 3.2),
    'EfficientNet-B6': (43.0, 7.8, 16.5, 14.2, 9.8),
    'ViT-Small': (22.0, 4.6, 15.2, 12.5, 8.5),
    'Swin-Tiny': (28.3, 4.5, 14.8, 11.8, 7.9),
    'SQSNet (ours)': (43.5, 8.1, 18.2, 16.4, 11.2),
}

#: MMPretrain reference classifiers (1000-class ImageNet heads): name,
#: backbone config, head input channels, input size.
REFERENCES = [
    ('EfficientNet-B6 (MMPretrain)', dict(type='EfficientNet', arch='b6'),
     2304, 224),
    ('EfficientNet-B6 (MMPretrain)', dict(type='EfficientNet', arch='b6'),
     2304, 528),
    ('Swin-S (MMPretrain)',
     dict(type='SwinTransformer', arch='small', img_size=224), 768, 224),
    ('Swin-T (MMPretrain)',
     dict(type='SwinTransformer', arch='tiny', img_size=224), 768, 224),
]


def config_row(config: str) -> List[str]:
    """A row of the config table: name, input, branches, SQS, parameters
    (training, deployed) and GFLOPs (deployed) of ``config``."""
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    shape = input_shape(cfg)
    torch.manual_seed(0)
    model, deployed = build_models(cfg)
    comp = complexity(model, deployed, shape)
    model_cfg = cfg.model
    backbone = model_cfg.backbone
    if backbone.get('type') == 'HybridFusionBackbone':
        parts = [
            name for name, key in (('CNN', 'local'), ('Swin', 'global_'))
            if backbone.get(key, 'default') is not None
        ]
    else:
        parts = [backbone.get('type', '?')]
    return [
        osp.basename(config), f'{shape[0]}x{shape[1]}', '+'.join(parts),
        'yes' if model_cfg['head'].get('sqs') else 'no',
        f'{comp["params_train_m"]:.3f}', f'{comp["params_deployed_m"]:.3f}',
        f'{comp["gflops_deployed"]:.2f}'
    ]


def reference_row(name: str, backbone: dict, channels: int,
                  size: int) -> List[str]:
    model = build_model(
        dict(
            type='ImageClassifier',
            backbone=backbone,
            neck=dict(type='GlobalAveragePooling'),
            head=dict(
                type='LinearClsHead',
                num_classes=1000,
                in_channels=channels))).eval()
    flops = get_model_complexity_info(
        model.backbone,
        input_shape=(3, size, size),
        show_table=False,
        show_arch=False)['flops']
    return [
        name, f'{size}x{size}', f'{count_params(model) / 1e6:.2f}',
        f'{count_params(model.backbone) / 1e6:.2f}', f'{flops / 1e9:.2f}'
    ]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'configs', nargs='*',
        help='configs (default: every configs/sqsnet/*.py)')
    parser.add_argument('--no-references', action='store_true',
                        help='skip the MMPretrain reference backbones')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None):
    args = parse_args(argv)
    configs = args.configs or sorted(glob.glob('configs/sqsnet/*.py'))
    if not configs:
        raise FileNotFoundError('no configs given and none in configs/sqsnet')
    rows = []
    for config in configs:
        print(f'[complexity] {config}', flush=True)
        rows.append(config_row(config))
    print(markdown([
        'config', 'input', 'branches', 'SQS', 'params train (M)',
        'params deployed (M)', 'GFLOPs deployed'
    ], rows))
    print()
    print(markdown(['paper Table 3', 'params (M)', 'FLOPs (G)',
                    'inference (ms)', 'training (h)', 'GPU memory (GB)'],
                   [[k, *v] for k, v in PAPER_TABLE3.items()]))
    if not args.no_references:
        print()
        print(markdown([
            'reference', 'input', 'params with 1000-class head (M)',
            'params backbone (M)', 'GFLOPs backbone'
        ], [reference_row(*ref) for ref in REFERENCES]))

