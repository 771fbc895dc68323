"""Data path of SQSNet training: the quad sampler and the loader.

1. :class:`QuadSampler` construction and one epoch of iteration over a
   label array of ``--num-labels`` (300,000 by default, about the size of
   AffectNet), next to MMPretrain's ``DefaultSampler`` on the same data set
   (medians of ``--repeats``, interleaved).
2. Loader throughput (images/s) of the synthetic training pipeline
   (``configs/_base_/datasets/synthetic_fer.py``: RandomResizedCrop 112,
   RandomFlip, RandomErasing, PackInputs) with 2 workers, batch 64, with
   ``QuadSampler`` and with ``DefaultSampler`` on the same images,
   alternating, ``--loader-rounds`` rounds of ``--batches`` batches each.
   Worker start-up is timed separately (first batch) from the steady rate.

Example::

    python tools/analysis_tools/data_path.py --num-labels 300000
"""
import argparse
import copy
import os.path as osp
import tempfile
import time
from typing import Dict, List

import numpy as np
from mmengine.config import Config
from mmengine.dataset import DefaultSampler
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from sqsnet_mm.datasets import QuadSampler, generate_synthetic_fer
from .timing import (fmt_ms, fmt_ratio, interleaved, machine_header,
                     markdown, paired_ratio, quartiles, set_threads)

SYNTHETIC_CONFIG = 'configs/_base_/datasets/synthetic_fer.py'


class LabelOnlyDataset:
    """A data set of labels only: what a sampler reads (``__len__``,
    ``get_gt_labels``, ``metainfo``)."""

    def __init__(self, labels: np.ndarray, num_classes: int) -> None:
        self.labels = labels
        self.metainfo = dict(
            classes=tuple(f'c{i}' for i in range(num_classes)))

    def __len__(self) -> int:
        return len(self.labels)

    def get_gt_labels(self) -> np.ndarray:
        return self.labels


def sampler_rows(num_labels: int, num_classes: int,
                 repeats: int) -> List[List[str]]:
    """Build + one epoch of iteration, per sampler."""
    rng = np.random.default_rng(0)
    # imbalanced like AffectNet: class sizes in a 1:20 range
    weights = np.geomspace(1, 20, num_classes)
    labels = rng.choice(
        num_classes, size=num_labels, p=weights / weights.sum())
    dataset = LabelOnlyDataset(labels, num_classes)
    samplers = dict(
        quad=lambda: QuadSampler(dataset, seed=0),
        quad_balanced=lambda: QuadSampler(
            dataset, seed=0, class_balanced=True),
        default=lambda: DefaultSampler(dataset, shuffle=True, seed=0))
    build: Dict[str, List[float]] = {k: [] for k in samplers}

    def build_and_iterate(name):
        def run():
            start = time.perf_counter()
            sampler = samplers[name]()
            build[name].append(time.perf_counter() - start)
            n = sum(1 for _ in sampler)
            if n != len(sampler):
                raise RuntimeError(f'{name}: {n} indices, len {len(sampler)}')
        return run

    total = interleaved({k: build_and_iterate(k) for k in samplers},
                        rounds=repeats, warmup=1)
    rows = []
    for name in samplers:
        b = build[name][-repeats:]
        per_epoch = 4 * num_labels if name.startswith('quad') else num_labels
        rows.append([
            name, f'{num_labels:,}', f'{per_epoch:,}', fmt_ms(b),
            fmt_ms(total[name]),
            f'{per_epoch / quartiles(total[name])[1] / 1e6:.2f}',
            fmt_ratio(paired_ratio(total[name], total['default']))
        ])
    return rows


def loader_cfg(data_root: str, sampler: str, workers: int,
               batch: int) -> dict:
    cfg = Config.fromfile(SYNTHETIC_CONFIG)
    loader = copy.deepcopy(cfg.train_dataloader.to_dict())
    loader['dataset']['data_root'] = data_root
    loader['num_workers'] = workers
    loader['batch_size'] = batch
    loader['persistent_workers'] = False
    loader['sampler'] = (
        dict(type='QuadSampler', shuffle=True, seed=0)
        if sampler == 'quad' else dict(type='DefaultSampler', shuffle=True,
                                       seed=0))
    return loader


def loader_rows(data_root: str, workers: int, batch: int, batches: int,
                rounds: int) -> List[List[str]]:
    """Images/s of the training loader, QuadSampler vs DefaultSampler."""
    init_default_scope('mmpretrain')
    import sqsnet_mm  # noqa: F401
    startup: Dict[str, List[float]] = {'quad': [], 'default': []}
    rate: Dict[str, List[float]] = {'quad': [], 'default': []}
    for r in range(rounds):
        for name in (('quad', 'default') if r % 2 == 0 else
                     ('default', 'quad')):
            start = time.perf_counter()
            loader = Runner.build_dataloader(
                loader_cfg(data_root, name, workers, batch), seed=0)
            it = iter(loader)
            next(it)
            first = time.perf_counter()
            seen = 0
            for _ in range(batches):
                seen += len(next(it)['inputs'])
            rate[name].append(seen / (time.perf_counter() - first))
            startup[name].append(first - start)
            del it, loader
    ratio = paired_ratio(rate['quad'], rate['default'])
    return [[
        name, f'{workers} workers, batch {batch}', fmt_ms(startup[name]),
        f'{quartiles(rate[name])[1]:.0f} [{quartiles(rate[name])[0]:.0f}, '
        f'{quartiles(rate[name])[2]:.0f}]',
        fmt_ratio(ratio) if name == 'quad' else '1'
    ] for name in ('quad', 'default')]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--num-labels', type=int, default=300_000)
    parser.add_argument('--num-classes', type=int, default=8)
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument(
        '--data-root',
        help='synthetic FER data (default: generated into a temporary '
        'folder: 2800 training images at 112 px, seed 0)')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--batches', type=int, default=30,
                        help='timed batches per round (after the first)')
    parser.add_argument('--loader-rounds', type=int, default=4)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--skip-loader', action='store_true')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    set_threads(args.threads)
    print(machine_header(args.threads))
    print(markdown([
        'sampler', 'labels', 'indices per epoch', 'build ms',
        'build + epoch ms', 'M indices/s', 'time / DefaultSampler'
    ], sampler_rows(args.num_labels, args.num_classes, args.repeats)))
    if args.skip_loader:
        return
    with tempfile.TemporaryDirectory() as tmp:
        data_root = args.data_root
        if data_root is None:
            data_root = osp.join(tmp, 'synthetic_fer')
            generate_synthetic_fer(data_root, num_train=2800, num_test=0,
                                   size=112, seed=0)
        print(markdown([
            'sampler', 'loader', 'start-up ms (to 1st batch)',
            'images/s (steady)', 'quad / default images/s'
        ], loader_rows(data_root, args.workers, args.batch, args.batches,
                       args.loader_rounds)))

