"""Training cost of Spatial Quad-Similarity, measured side by side.

For one backbone, batch and data, four variants run interleaved (a new
random order every round) through MMEngine's ``train_step`` (data
preprocessor, forward, loss, backward, AdamW step):

- ``off``: the same model trained without SQS (``head.sqs=None``, no
  enhanced classifier), the "w/o SQS" ablation;
- ``on``: SQSNet as designed (docs/design.md, decision 4): the batch of
  ``4k`` images is ``k`` quads from :class:`QuadSampler`, the backbone runs
  once per image, every image gets the classification loss, ``k`` anchors
  get SQS;
- ``in_batch``: every image is an anchor, partners picked inside the batch
  (``quad_mode='in_batch'``);
- ``naive``: the naive reading of the paper, four backbone passes per
  anchor: the same ``4k`` images give ``k`` anchors, and only the anchors
  get the classification losses (positives and negatives only feed SQS).

Printed: median iteration times, the paired per-round ratios (median and
quartiles), and the costs per classification-trained image and per anchor.
Mixup/CutMix are off in every variant so that each ``on`` iteration applies
SQS (a mixed batch skips it, docs/design.md, decision 5).

Example::

    python tools/analysis_tools/sqs_cost.py --settings tiny mid --rounds 15
"""
import argparse
import copy
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
from mmengine.optim import OptimWrapper

from sqsnet_mm.models import QuadImageClassifier, hard_labels, split_quads
from sqsnet_mm.models.utils import mine_in_batch
from .builders import (NUM_CLASSES, SETTINGS, build_model, count_params,
                       quad_batch, setting_cfg)
from .timing import (fmt_ms, fmt_ratio, interleaved, machine_header,
                     markdown, paired_ratio, set_threads)

class NaiveQuadClassifier(QuadImageClassifier):
    """The naive reading of the paper: the ``4k`` images of ``k`` quads all
    pass the backbone, but only the ``k`` anchors are trained images (base
    and enhanced classification, KL); positives and negatives feed SQS only.
    Benchmark reference, not a training mode of the package."""

    def loss(self, inputs: torch.Tensor,
             data_samples: list) -> Dict[str, torch.Tensor]:
        feats = self.extract_feat(inputs)
        losses = self.head.loss(feats, data_samples)
        anchors = split_quads(hard_labels(data_samples).to(inputs.device))[0]
        anchor_samples = [data_samples[i] for i in anchors.tolist()]
        losses['loss_cls'] = self.head._get_loss(
            self.head(tuple(f[anchors] for f in feats)),
            anchor_samples).pop('loss')
        return losses


def variant_cfgs(base: dict) -> Dict[str, dict]:
    """Model configs of the variants, all without batch augments."""
    on = copy.deepcopy(base)
    on.update(type='QuadImageClassifier', train_cfg=None)
    on['head']['quad_mode'] = 'sampler'
    off = copy.deepcopy(on)
    off['head']['sqs'] = None
    in_batch = copy.deepcopy(on)
    in_batch['head']['quad_mode'] = 'in_batch'
    return dict(off=off, on=on, in_batch=in_batch, naive=on)


def build_variant(name: str, cfg: dict) -> torch.nn.Module:
    if name == 'naive':
        cfg = copy.deepcopy(cfg)
        cfg.pop('type')
        import sqsnet_mm  # noqa: F401
        return NaiveQuadClassifier(**cfg).train()
    return build_model(cfg).train()


def make_step(model: torch.nn.Module,
              data: dict,
              expect_sqs: bool,
              optim_wrapper: Optional[OptimWrapper] = None,
              sync: Callable[[], None] = lambda: None):
    """One ``train_step`` per call (AdamW lr 3e-4 unless ``optim_wrapper``
    is given), then ``sync()``; the first call checks that SQS ran (or did
    not) as the variant says."""
    optim = optim_wrapper or OptimWrapper(
        torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=1e-5))
    checked = []

    def step():
        log_vars = model.train_step(data, optim)
        sync()
        if not checked:
            if ('loss_sqs' in log_vars) != expect_sqs:
                raise RuntimeError(
                    f'{type(model).__name__}: loss_sqs '
                    f'{"missing" if expect_sqs else "present"} in {log_vars}')
            checked.append(True)

    return step


def sqs_module_ms(model: torch.nn.Module, data: dict, repeats: int = 30):
    """Median ms of the SQS module alone (eq. 6-8, 10), forward and
    backward, on random maps of the backbone's output shape for the
    batch's quads; and that shape."""
    with torch.no_grad():
        shape = model.extract_feat(
            model.data_preprocessor(data, False)['inputs'][:1])[-1].shape
    k = len(data['inputs']) // 4
    maps = [torch.randn(k, *shape[1:], requires_grad=True) for _ in range(4)]

    def run():
        out = model.head.sqs(*maps)
        (out['loss'] + out['refined'].mean()).backward()

    times = interleaved({'sqs': run}, rounds=repeats, warmup=3)['sqs']
    return float(np.median(times)) * 1e3, tuple(shape[1:])


def run_setting(name: str, base: dict, size: int, batch: int, rounds: int,
                warmup: int) -> List[List[str]]:
    if batch % 4:
        raise ValueError(f'batch must be a multiple of 4, got {batch}')
    k = batch // 4
    data = quad_batch(batch, size, NUM_CLASSES)
    labels = torch.tensor([int(s.gt_label) for s in data['data_samples']])
    n_inb = len(mine_in_batch(labels)[0])
    models = {
        var: build_variant(var, cfg)
        for var, cfg in variant_cfgs(base).items()
    }
    params = {var: count_params(m) for var, m in models.items()}
    steps = {
        var: make_step(m, data, expect_sqs=var != 'off')
        for var, m in models.items()
    }
    print(f'[{name}] {size} px, batch {batch} ({k} quads, {n_inb} in-batch '
          f'anchors), params off/on {params["off"] / 1e6:.3f}/'
          f'{params["on"] / 1e6:.3f} M, {rounds} rounds', flush=True)
    t = interleaved(steps, rounds=rounds, warmup=warmup)
    sqs_ms, shape = sqs_module_ms(models['on'], data)
    on_off = paired_ratio(t['on'], t['off'])
    return [[
        name, f'{size} px, B={batch}', fmt_ms(t['off']), fmt_ms(t['on']),
        fmt_ms(t['in_batch']), fmt_ms(t['naive']),
        fmt_ratio(on_off), 'yes' if on_off[1] < 1.03 else 'no',
        f'{sqs_ms:.2f} ({"x".join(map(str, shape))})',
        fmt_ratio(paired_ratio(t['in_batch'], t['off'])),
        fmt_ratio(paired_ratio(t['naive'], t['on']), scale=4.0),
        fmt_ratio(paired_ratio(t['naive'], t['on'])),
        fmt_ratio(paired_ratio(t['naive'], t['in_batch']), scale=n_inb / k)
    ]]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--settings', nargs='+', default=['tiny', 'mid'],
                        choices=SETTINGS,
                        help='models (see sqsnet_mm.analysis.builders.setting_cfg)')
    parser.add_argument('--tiny-batch', type=int, default=32)
    parser.add_argument('--tiny-size', type=int, default=64)
    parser.add_argument('--mid-batch', type=int, default=8)
    parser.add_argument('--mid-size', type=int, default=160)
    parser.add_argument('--full-batch', type=int, default=4)
    parser.add_argument('--full-size', type=int, default=224)
    parser.add_argument('--rounds', type=int, default=15)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    set_threads(args.threads)
    print(machine_header(args.threads))
    rows = []
    for setting in args.settings:
        size = getattr(args, f'{setting}_size')
        rows += run_setting(setting, setting_cfg(setting, size), size,
                            getattr(args, f'{setting}_batch'), args.rounds,
                            args.warmup)
    print(markdown([
        'model', 'input', 'off ms', 'on ms', 'in-batch ms', 'naive ms',
        'on / off', '< 1.03', 'SQS module fwd+bwd ms (map)',
        'in-batch / off',
        'naive / on per trained image', 'naive / on per anchor',
        'naive / in-batch per anchor'
    ], rows))
    print('ms: median [quartiles] per iteration; ratios: median [quartiles] '
          'of the per-round ratios.')

