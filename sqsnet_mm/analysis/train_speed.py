"""Training speed of a config on the CPU: the training step in the default
memory layout, channels-last, under bfloat16 autocast and both (and, with
``--compile``, ``torch.compile``), timed side by side in interleaved rounds;
with ``--loader``, the config's training data loader on its real images
with 0, 1 and 2 workers, alone and followed by the training step.

Example::

    python tools/analysis_tools/train_speed.py \\
        configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py \\
        --threads 2 --loader

Every variant trains its own copy of the config's training model, built
with the same seed and random weights (``init_weights`` is not called:
timing does not depend on the values), with the config's optimizer wrapper,
on one random quad batch (:func:`~sqsnet_mm.analysis.builders.quad_batch`)
at the size of the config's test pipeline. A step is ``model.train_step``:
data preprocessor (with the config's batch augments), forward, SQS and the
losses, backward, optimizer update. The variants:

- ``fp32``: the default (contiguous) layout.
- ``channels_last``: the model and its input batches channels-last, as
  :class:`~sqsnet_mm.engine.hooks.ChannelsLastHook` makes them
  (:func:`~sqsnet_mm.engine.hooks.channels_last_hook.to_channels_last`).
- ``bf16``, ``channels_last+bf16``: the step under
  ``torch.autocast('cpu', dtype=torch.bfloat16)``.
- ``compile``, ``channels_last+compile`` (``--compile``): ``train_step``
  compiled by ``torch.compile`` as mmengine's ``Runner`` does with
  ``compile=True`` in a config; the first call, which compiles, is timed
  apart and reported as the compile time.

The rounds run every variant once in a new random order
(:func:`~sqsnet_mm.analysis.timing.interleaved`), after untimed warm-up
rounds; the table gives the median seconds per step with its interquartile
range and the per-round ratio to ``fp32``
(:func:`~sqsnet_mm.analysis.timing.paired_ratio`).

``--loader`` builds the config's training loader (its data set, pipeline,
sampler and batch size; ``data_root`` from the config or
``--cfg-options``) once per worker count. Per count it reports the images
per second of the loader alone and the seconds per iteration of loading
plus the ``channels_last`` training step, each over ``--loader-batches``
batches after a first one that is not timed (worker start-up).
"""
import argparse
import copy
import itertools
import json
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config, DictAction
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine.hooks.channels_last_hook import to_channels_last
from .builders import build_train_model, input_shape, quad_batch
from .timing import (fmt_ratio, interleaved, machine_header, markdown,
                     paired_ratio, quartiles, set_threads)

#: Variants timed by default; ``fp32`` is the reference of the ratios.
VARIANTS = ('fp32', 'channels_last', 'bf16', 'channels_last+bf16')
#: Variants added by ``--compile``.
COMPILE_VARIANTS = ('compile', 'channels_last+compile')
Step = Callable[[dict], None]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Training step time of a config in the default layout, '
        'channels-last, bfloat16 and compiled, and its data loader speed.')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='input size of the step (default: the size the test pipeline '
        'resizes or crops to)')
    parser.add_argument(
        '--batch-size',
        type=int,
        help='images per step and per loader batch (default: the config\'s '
        'train_dataloader.batch_size; a multiple of 4 for quads)')
    parser.add_argument(
        '--rounds',
        type=int,
        default=10,
        help='timed rounds (one step of every variant each)')
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed rounds first')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='also time torch.compile of train_step')
    parser.add_argument(
        '--loader',
        action='store_true',
        help='also time the config\'s train data loader on '
        'its images')
    parser.add_argument(
        '--workers',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='loader worker counts (with --loader)')
    parser.add_argument(
        '--loader-batches',
        type=int,
        default=20,
        help='timed batches per worker count (with --loader)')
    parser.add_argument(
        '--threads', type=int, help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--out', help='also write the results as JSON')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, as in tools/train.py')
    args = parser.parse_args(argv)
    for name in ('rounds', 'loader_batches'):
        if getattr(args, name) < 1:
            parser.error(f'--{name.replace("_", "-")} must be >= 1')
    if args.batch_size is not None and args.batch_size < 1:
        parser.error('--batch-size must be >= 1')
    return args


def variant_step(cfg: Config, variant: str, seed: int = 0) -> Step:
    """A fresh model of ``cfg`` set up as ``variant``, as a function of a
    batch that runs one ``train_step`` with the config's optimizer.

    Args:
        cfg (Config): The config (``model``, ``optim_wrapper``).
        variant (str): One of :data:`VARIANTS` or :data:`COMPILE_VARIANTS`.
        seed (int): Seed of the random weights (the same for every
            variant).

    Returns:
        Callable[[dict], None]: The training step on a batch.
    """
    if variant not in VARIANTS + COMPILE_VARIANTS:
        raise ValueError(f'unknown variant {variant!r}; one of '
                         f'{VARIANTS + COMPILE_VARIANTS}')
    torch.manual_seed(seed)
    model = build_train_model(cfg).train()
    if 'channels_last' in variant:
        to_channels_last(model)
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    if 'compile' in variant:  # as mmengine's Runner._maybe_compile
        model.train_step = torch.compile(model.train_step)
    bf16 = 'bf16' in variant

    def step(data: dict) -> None:
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            model.train_step(data, optim_wrapper)

    return step


def time_variants(steps: Dict[str, Step], data: dict, rounds: int, warmup: int
                  ) -> Tuple[Dict[str, List[float]], Dict[str, float]]:
    """Seconds per step of every variant over interleaved rounds, and the
    first call of each compiled variant (its compilation) timed apart."""
    compile_s = {}
    for name, step in steps.items():
        if 'compile' in name:
            start = time.perf_counter()
            step(data)
            compile_s[name] = time.perf_counter() - start
    times = interleaved(
        {
            name: (lambda s=step: s(data))
            for name, step in steps.items()
        }, rounds, warmup)
    return times, compile_s


def time_loader(cfg: Config, workers: int, batches: int, batch_size: int,
                step: Step) -> Dict[str, float]:
    """The config's train loader with ``workers`` workers: images per
    second alone, and seconds per iteration followed by ``step``.

    The first batch of each pass (worker start-up) is not timed.
    """
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    loader_cfg.update(
        batch_size=batch_size, num_workers=workers, persistent_workers=False)
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    if len(loader) < batches + 1:
        raise ValueError(
            f'the train loader of {cfg.filename} has {len(loader)} batches '
            f'of {batch_size}; --loader-batches {batches} needs '
            f'{batches + 1}')

    def timed_pass(after: Optional[Step]) -> float:
        batch_iter = iter(loader)
        next(batch_iter)
        start = time.perf_counter()
        for data in itertools.islice(batch_iter, batches):
            if after is not None:
                after(data)
        return time.perf_counter() - start

    return dict(
        workers=workers,
        loader_img_s=batches * batch_size / timed_pass(None),
        end_to_end_s_iter=timed_pass(step) / batches)


def measure(args: argparse.Namespace) -> dict:
    """Every measurement of :func:`main`, as a JSON-able dict."""
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    if args.threads:
        set_threads(args.threads)
    shape = tuple(args.shape) if args.shape else input_shape(cfg)
    batch = args.batch_size or cfg.train_dataloader.batch_size
    variants = VARIANTS + (COMPILE_VARIANTS if args.compile else ())
    steps = {name: variant_step(cfg, name) for name in variants}
    num_classes = cfg.model.head.num_classes
    times, compile_s = time_variants(steps,
                                     quad_batch(batch, shape, num_classes),
                                     args.rounds, args.warmup)
    result = dict(
        header=machine_header(torch.get_num_threads()),
        config=args.config,
        shape=list(shape),
        batch_size=batch,
        rounds=args.rounds,
        warmup=args.warmup,
        times=times,
        compile_s=compile_s,
        loader=[])
    if args.loader:
        result['loader'] = [
            time_loader(cfg, w, args.loader_batches, batch,
                        steps['channels_last']) for w in args.workers
        ]
    return result


def report(result: dict) -> str:
    """The Markdown report of :func:`measure`'s result."""
    times: Dict[str, Sequence[float]] = result['times']
    batch = result['batch_size']
    rows = []
    for name, values in times.items():
        median = quartiles(values)[1]
        rows.append([
            name,
            fmt_ratio(quartiles(values)),
            fmt_ratio(paired_ratio(values, times['fp32'])),
            f'{batch / median:.1f}'
        ])
    h, w = result['shape']
    lines = [
        result['header'], '',
        f"{result['config']}: training step at {h}x{w}, batch {batch}, "
        f"{result['rounds']} interleaved rounds after {result['warmup']} "
        'untimed', '',
        markdown([
            'variant', 's/iter, median [IQR]', 'ratio to fp32, median [IQR]',
            'images/s'
        ], rows)
    ]
    for name, seconds in result['compile_s'].items():
        lines.append(f'\n{name}: first call (compilation) {seconds:.1f} s')
    if result['loader']:
        lines += [
            '', f'Train data loader, batch {batch} (channels_last step):', '',
            markdown(['workers', 'loader images/s', 'load + step, s/iter'], [[
                r['workers'], f"{r['loader_img_s']:.1f}",
                f"{r['end_to_end_s_iter']:.3f}"
            ] for r in result['loader']])
        ]
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    result = measure(args)
    print(report(result), flush=True)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(result, f, indent=2)
    return 0
