"""Inference cost of SQSNet: the deployed model against a plain classifier.

For each setting, three models with the same backbone run interleaved
through ``test_step`` (data preprocessor, backbone, pooling, linear head,
post-processing) under ``torch.no_grad``:

- ``sqs``: the SQSNet training model (:class:`QuadImageClassifier`) in
  ``predict`` mode;
- ``deployed``: :func:`sqsnet_mm.models.to_inference_classifier` of it
  (MMPretrain ``ImageClassifier``, SQS removed);
- ``plain``: an ``ImageClassifier`` built from the registry with the same
  backbone config, ``GlobalAveragePooling`` and ``LinearClsHead``, as any
  MMPretrain model would be.

Printed: median latency per batch, and the per-round ratios deployed /
plain and sqs / plain (median and quartiles). The deployed model's
predictions are checked to equal the SQS model's.

Example::

    python tools/analysis_tools/inference_cost.py --settings tiny mid --batches 1 16
"""
import argparse

import torch

from sqsnet_mm.models import to_inference_classifier
from .builders import (NUM_CLASSES, SETTINGS, build_model, count_params,
                       quad_batch, setting_cfg)
from .timing import (fmt_ms, fmt_ratio, interleaved, machine_header,
                     markdown, paired_ratio, set_threads)

DEFAULT_SIZES = dict(tiny=64, mid=160, full=224)


def plain_cfg(sqs_cfg: dict) -> dict:
    """A plain MMPretrain classifier with the backbone of ``sqs_cfg``."""
    return dict(
        type='ImageClassifier',
        backbone=sqs_cfg['backbone'],
        data_preprocessor=sqs_cfg['data_preprocessor'],
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=NUM_CLASSES,
            in_channels=sqs_cfg['head']['in_channels']))


def run_setting(setting: str, size: int, batches, rounds: int, warmup: int):
    cfg = setting_cfg(setting, size)
    sqs = build_model(cfg).eval()
    deployed = to_inference_classifier(sqs).eval()
    plain = build_model(plain_cfg(cfg)).eval()
    print(f'[{setting}] {size} px; params sqs/deployed/plain '
          f'{count_params(sqs) / 1e6:.3f}/{count_params(deployed) / 1e6:.3f}'
          f'/{count_params(plain) / 1e6:.3f} M', flush=True)
    rows = []
    for batch in batches:
        data = quad_batch(4, size, NUM_CLASSES)
        data = dict(
            inputs=(data['inputs'] * batch)[:batch],
            data_samples=(data['data_samples'] * batch)[:batch])
        with torch.no_grad():
            same = all(
                torch.equal(a.pred_score, b.pred_score)
                for a, b in zip(sqs.test_step(data), deployed.test_step(data)))
            models = dict(sqs=sqs, deployed=deployed, plain=plain)
            t = interleaved({
                name: (lambda m=m: m.test_step(data))
                for name, m in models.items()
            }, rounds=rounds, warmup=warmup)
        rows.append([
            setting, f'{size} px, B={batch}', fmt_ms(t['plain']),
            fmt_ms(t['deployed']), fmt_ms(t['sqs']),
            fmt_ratio(paired_ratio(t['deployed'], t['plain'])),
            fmt_ratio(paired_ratio(t['sqs'], t['plain'])),
            'yes' if same else 'NO'
        ])
        print(f'[{setting}] batch {batch} done', flush=True)
    return rows


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--settings', nargs='+', default=['tiny', 'mid'],
                        choices=SETTINGS)
    parser.add_argument('--batches', type=int, nargs='+', default=[1, 16])
    parser.add_argument('--size', type=int, nargs='+',
                        help='input size per setting (default: tiny 64, '
                        'mid 160, full 224)')
    parser.add_argument('--rounds', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    set_threads(args.threads)
    sizes = args.size or [DEFAULT_SIZES[s] for s in args.settings]
    if len(sizes) != len(args.settings):
        raise ValueError(f'--size gives {len(sizes)} sizes for '
                         f'{len(args.settings)} settings')
    print(machine_header(args.threads))
    rows = []
    for setting, size in zip(args.settings, sizes):
        rows += run_setting(setting, size, args.batches, args.rounds,
                            args.warmup)
    print(markdown([
        'model', 'input', 'plain ms', 'deployed ms', 'SQS model ms',
        'deployed / plain', 'SQS model / plain', 'same predictions'
    ], rows))
    print('ms: median [quartiles] per batch; ratios: median [quartiles] of '
          'the per-round ratios.')

