"""Sensitivity sweeps of the SQS hyper-parameters (paper Table 4).

Each value list varies one parameter through ``--cfg-options``:

    =========  ==============================
    option     config key
    =========  ==============================
    --tau      model.head.sqs.tau      (eq 6)
    --alpha    model.head.sqs.alpha    (eq 7)
    --beta     model.head.sqs.beta     (eq 7)
    --gamma    model.head.sqs.gamma    (eq 8)
    --margin   model.head.sqs.margin   (m, eq 10)
    --lambda   model.head.sqs_loss_weight  (eq 11)
    --param    KEY=v1,v2,...  (any other key)
    =========  ==============================

``--mode oat`` (default, as Table 4) changes one parameter at a time, the
others keeping the config's values; ``--mode grid`` runs the Cartesian
product. Every point is trained and tested (``--seeds`` per point) and one
Markdown table comes out, one row per point::

    python tools/analysis_tools/sweep.py \\
        configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py \\
        --tau 0.5 1 2 --lambda 0 0.5 1 --seeds 0 --out sweep.md
"""
import argparse
import itertools
import os.path as osp
from typing import Dict, List, Sequence, Tuple

from .experiments import (TOOLS_DIR, add_run_arguments, format_mean_std,
                          run_train_test, write_report)

SQS_KEYS = dict(
    tau='model.head.sqs.tau',
    alpha='model.head.sqs.alpha',
    beta='model.head.sqs.beta',
    gamma='model.head.sqs.gamma',
    margin='model.head.sqs.margin',
    lambda_='model.head.sqs_loss_weight')
DEFAULT_METRICS = ('accuracy', 'macro_f1', 'weighted_f1', 'balanced_accuracy',
                   'f1_range')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Sweep SQS hyper-parameters; one Markdown table out.')
    parser.add_argument('config', help='config file')
    for name, key in SQS_KEYS.items():
        flag = '--' + name.rstrip('_')
        parser.add_argument(
            flag, dest=name, type=float, nargs='+', default=[],
            help=f'values of {key}')
    parser.add_argument(
        '--param', action='append', default=[], metavar='KEY=V1,V2',
        help='sweep any other config key (repeatable)')
    parser.add_argument(
        '--mode', choices=['oat', 'grid'], default='oat',
        help='one parameter at a time (default) or the full grid')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0], help='seeds per point')
    parser.add_argument(
        '--metrics', nargs='+', default=list(DEFAULT_METRICS),
        help='metrics in the table')
    add_run_arguments(parser, 'work_dirs/sweep')
    return parser.parse_args(argv)


def sweep_axes(args) -> List[Tuple[str, List[str]]]:
    """(config key, values as strings) of every swept parameter."""
    axes = [(key, [repr(v) for v in getattr(args, name)])
            for name, key in SQS_KEYS.items() if getattr(args, name)]
    for spec in args.param:
        key, sep, values = spec.partition('=')
        if not sep or not key or not values:
            raise ValueError(f'--param needs KEY=V1,V2,..., got {spec!r}')
        axes.append((key, values.split(',')))
    if not axes:
        raise ValueError('nothing to sweep: give at least one of --tau '
                         '--alpha --beta --gamma --margin --lambda --param')
    return axes


def sweep_points(axes: Sequence[Tuple[str, List[str]]],
                 mode: str) -> List[Dict[str, str]]:
    """The settings of every point: {config key: value}."""
    if mode == 'grid':
        keys = [key for key, _ in axes]
        return [
            dict(zip(keys, combo))
            for combo in itertools.product(*[vals for _, vals in axes])
        ]
    return [{key: value} for key, values in axes for value in values]


def point_name(point: Dict[str, str]) -> str:
    return '_'.join(f'{key.split(".")[-1]}-{value}'
                    for key, value in point.items())


def main(argv=None):
    args = parse_args(argv)
    axes = sweep_axes(args)
    keys = [key for key, _ in axes]
    points = sweep_points(axes, args.mode)
    root = osp.join(args.work_dir,
                    osp.splitext(osp.basename(args.config))[0])
    rows, raw = [], {}
    for point in points:
        per_seed = []
        for seed in args.seeds:
            name = f'{point_name(point)}/seed{seed}'
            print(f'[sweep] {name}', flush=True)
            options = [f'{k}={v}' for k, v in point.items()]
            per_seed.append(
                run_train_test(
                    args.config,
                    osp.join(root, name),
                    TOOLS_DIR,
                    cfg_options=[
                        *options, f'randomness.seed={seed}', *args.cfg_options
                    ],
                    tta=args.tta,
                    checkpoint=args.checkpoint,
                    nproc=args.nproc,
                    amp=args.amp,
                    reuse=args.reuse))
        raw[point_name(point)] = dict(settings=point, runs=per_seed)
        cells = [point.get(k, '(config)') for k in keys]
        cells += [
            format_mean_std([m[metric] for m in per_seed])
            for metric in args.metrics
        ]
        rows.append('| ' + ' | '.join(cells) + ' |')
    header = '| ' + ' | '.join([k.split('.')[-1] for k in keys] +
                               list(args.metrics)) + ' |'
    rule = '|' + ' --- |' * len(keys) + ' ---: |' * len(args.metrics)
    table = '\n'.join([
        f'{osp.basename(args.config)}, seeds {args.seeds}, '
        f'mode {args.mode}', '', header, rule, *rows
    ])
    write_report(root, 'sweep.json', raw, table, args.out)
    return 0

