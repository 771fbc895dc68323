"""Does SQS help? A selection + report study on subject folds of a FER set.

The protocol keeps the search honest: the subjects are cut into 10 folds;
folds 0-4 are *validation* folds, on which every candidate SQS variant is
trained and tested (``select`` stage) and the one with the best mean
validation accuracy is chosen; folds 5-9 are *report* folds, on which only
that winner, the paper's literal setting and the same model without SQS
are trained (``report`` stage), for several seeds and training lengths,
in each regime. Every report compares a variant with ``off`` by a paired
t-test over (seed, fold) pairs: same data, same initialisation seed.

Regimes (configs under ``configs/sqsnet/``):

- ``pretrained``: ImageNet-pretrained EfficientNet-Lite0 + small Swin,
  64 px
  (``sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_ckplus-64px.py``);
- ``lite0``: the pretrained Lite0 alone, SQS on its own map;
- ``scratch``: the tiny SQSNet from random weights at 64 px.

Variants are head overrides (every SQS setting lives in ``SQSClsHead``),
each testing one suspected cause of SQS's cost:

- ``paper``: eq. 11 as written (SQS terms averaged over anchors, w_enh 1,
  w_kl 1, lambda 0.5);
- ``image``: SQS terms weighed per image like the base CE (x k / N);
- ``image+detach``: and R detached in eq. 8 (the enhanced CE no longer
  moves the similarities);
- ``image+ramp``: and the SQS terms ramped up over the first 30%;
- ``image+no-kl``: and no KL distillation;
- ``image+pooled``: and SQS on pooled vectors instead of every location;
- ``image+pre-fusion``: and SQS on the CNN branch's map before fusion;
- ``image+lambda0.1`` / ``image+lambda1``: other lambda;
- ``off+quads``: no SQS on the same quad batches (sampler control).

Command line: ``tools/analysis_tools/sqs_study.py`` (:func:`main`). Runs go
``--jobs`` at a time in worker processes; results are appended to
``WORK_DIR/results.jsonl`` as they finish, so a second call continues an
interrupted study; ``--deadline-min`` stops handing out runs after that
many minutes (the report then covers the runs that finished).
``--cfg-options`` (``key=value`` as in ``tools/train.py``) is merged into
every run's config, e.g. a lower learning rate on the pretrained Lite0
(``optim_wrapper.paramwise_cfg.custom_keys.timm_model.lr_mult=0.1``); a key
the study sets itself (a variant's settings, the folds, the data root) is
refused. Example (CK+48)::

    python tools/analysis_tools/sqs_study.py \\
        --data-root data/ckplus48 --work-dir work_dirs/sqs_study \\
        --jobs 2
"""
import argparse
import json
import os
import os.path as osp
import time
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

from mmengine.config import DictAction

from .experiments import format_mean_std, mean_std, paired_ttest
from .runs import LOADERS, load_records, run_many

NUM_FOLDS = 10
VAL_FOLDS = (0, 1, 2, 3, 4)
REPORT_FOLDS = (5, 6, 7, 8, 9)

REGIMES = dict(
    pretrained=dict(
        sqs='configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_ckplus-64px.py',
        off='configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini-wo-sqs_in1k-pre_1xb32-300it_ckplus-64px.py',
        hybrid=True),
    lite0=dict(
        sqs='configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_1xb32-300it_ckplus-64px.py',
        off='configs/sqsnet/sqsnet_efficientnet-lite0-wo-sqs_in1k-pre_1xb32-300it_ckplus-64px.py',
        hybrid=False),
    scratch=dict(
        sqs='configs/sqsnet/sqsnet_tiny_1xb32-300it_ckplus-64px.py',
        off='configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32-300it_ckplus-64px.py',
        hybrid=True))

# Every variant states its settings in full, from the paper's literal
# reading, so that it means the same whatever the config's defaults are.
PAPER = {
    'model.head.sqs_reduction': 'anchor',
    'model.head.sqs.detach_relation': False
}
IMAGE = {**PAPER, 'model.head.sqs_reduction': 'image'}
VARIANTS: Dict[str, Optional[dict]] = {
    'off': None,
    'off+quads': {
        'model.head.sqs': None
    },
    'paper': PAPER,
    'image': IMAGE,
    'image+detach': {
        **IMAGE, 'model.head.sqs.detach_relation': True
    },
    'image+ramp': {
        **IMAGE, 'model.head.sqs_warmup': 0.3
    },
    'image+no-kl': {
        **IMAGE, 'model.head.kl_weight': 0.0
    },
    'image+pooled': {
        **IMAGE, 'model.head.sqs_input': 'pooled'
    },
    'image+pre-fusion': {
        **IMAGE, 'model.backbone.out_local': True,
        'model.head.sqs_in_index': 0
    },
    'image+lambda0.1': {
        **IMAGE, 'model.head.sqs_loss_weight': 0.1
    },
    'image+lambda1': {
        **IMAGE, 'model.head.sqs_loss_weight': 1.0
    },
}
#: Variants that are not SQS candidates (references).
REFERENCES = ('off', 'off+quads')
HYBRID_ONLY = ('image+pre-fusion', )
#: Config keys the study sets itself: ``cfg_options`` may not touch them.
STUDY_KEYS = tuple(sorted(set().union(*filter(None, VARIANTS.values())))) + \
    tuple(f'{loader}.dataset.{key}' for loader in LOADERS
          for key in ('num_folds', 'fold', 'data_root'))


def make_run(regime: str,
             variant: str,
             seed: int,
             fold: int,
             iters: int,
             work_root: str,
             data_root: Optional[str] = None,
             num_workers: int = 0,
             cfg_options: Optional[dict] = None) -> dict:
    """One run of the study (see :func:`sqsnet_mm.analysis.runs.build_cfg`).

    ``cfg_options`` (dotted config keys -> values) are merged into the
    run's options; one that is, or lies above or below, one of
    :data:`STUDY_KEYS` is a ValueError naming both.
    """
    for key in cfg_options or {}:
        clash = [
            k for k in STUDY_KEYS
            if f'{key}.'.startswith(f'{k}.') or f'{k}.'.startswith(f'{key}.')
        ]
        if clash:
            raise ValueError(
                f'--cfg-options {key}: the study sets {clash} itself')
    spec = REGIMES[regime]
    options = VARIANTS[variant]
    config = spec['off'] if options is None else spec['sqs']
    options = dict(options or {})
    for loader in LOADERS:
        options[f'{loader}.dataset.num_folds'] = NUM_FOLDS
    name = f'{regime}/{variant}/{iters}it'
    options = {**(cfg_options or {}), **options}
    return dict(
        name=name,
        regime=regime,
        variant=variant,
        iters=iters,
        config=config,
        options=options,
        seed=seed,
        fold=fold,
        data_root=data_root,
        num_workers=num_workers,
        work_dir=f'{work_root}/{name}/seed{seed}_fold{fold}')


def candidates(regime: str) -> List[str]:
    """SQS variants that apply to a regime."""
    return [
        v for v in VARIANTS if v not in REFERENCES and (
            REGIMES[regime]['hybrid'] or v not in HYBRID_ONLY)
    ]


def select_runs(regime: str,
                seeds: Sequence[int],
                iters: int,
                variants: Optional[Sequence[str]] = None,
                folds: Sequence[int] = VAL_FOLDS,
                **kwargs) -> List[dict]:
    """Variants (default: ``off``, ``off+quads`` and every candidate) on
    the validation folds, all variants of one (seed, fold) together."""
    if variants is None:
        variants = ['off', 'off+quads'] + candidates(regime)
    return [
        make_run(regime, v, s, f, iters, **kwargs) for s in seeds
        for f in folds for v in variants
    ]


def accuracy(record: dict, metric: str = 'fer/accuracy') -> float:
    return record['metrics'][metric]


def by_name(records: Sequence[dict]) -> Dict[str, Dict[tuple, dict]]:
    """Records grouped by run name, then by (seed, fold)."""
    out = defaultdict(dict)
    for r in records:
        out[r['name']][(r['seed'], r['fold'])] = r
    return out


def choose_winner(records: Sequence[dict], regime: str, iters: int) -> str:
    """The candidate with the highest mean validation accuracy (ties: the
    earlier in :data:`VARIANTS`). Only runs present in ``records`` count,
    and a candidate needs all of its runs."""
    groups = by_name(records)
    complete = {
        len(runs)
        for name, runs in groups.items() if name.startswith(regime + '/')
    }
    need = max(complete) if complete else 0
    best, best_acc = None, None
    for variant in candidates(regime):
        runs = groups.get(f'{regime}/{variant}/{iters}it', {})
        if not runs or len(runs) < need:
            continue
        acc = mean_std([accuracy(r) for r in runs.values()])['mean']
        if best_acc is None or acc > best_acc:
            best, best_acc = variant, acc
    if best is None:
        raise ValueError(f'no complete candidate for {regime} at {iters} '
                         'iterations in the selection results')
    return best


def report_runs(regime: str,
                variants: Sequence[str],
                seeds: Sequence[int],
                iters: int,
                folds: Sequence[int] = REPORT_FOLDS,
                **kwargs) -> List[dict]:
    """The chosen variants on the report folds, all variants of one
    (seed, fold) together so that a study cut short keeps whole pairs."""
    return [
        make_run(regime, v, s, f, iters, **kwargs) for s in seeds
        for f in folds for v in variants
    ]


def compare_table(records: Sequence[dict],
                  metrics=('fer/accuracy', 'fer/macro_f1')) -> str:
    """Markdown table: per (regime, iters, variant) the mean ± std of each
    metric over its (seed, fold) runs and the paired difference to ``off``
    of the same regime and length (t-test over the pairs both have)."""
    groups = by_name(records)
    lines = [
        '| regime | iterations | variant | runs | ' +
        ' | '.join(m.split('/')[-1]
                   for m in metrics) + ' | accuracy - off (paired) | p |',
        '|---|---:|---|---:|' + '---:|' * len(metrics) + '---:|---:|'
    ]
    for name in sorted(
            groups,
            key=lambda n: (n.split('/')[0], int(n.split('/')[2][:-2]),
                           list(VARIANTS).index(n.split('/')[1]))):
        regime, variant, length = name.split('/')
        runs = groups[name]
        cells = [
            format_mean_std([r['metrics'][m] for r in runs.values()])
            for m in metrics
        ]
        off = groups.get(f'{regime}/off/{length}', {})
        pairs = sorted(set(runs) & set(off))
        if variant != 'off' and len(pairs) >= 2:
            test = paired_ttest([accuracy(runs[k]) for k in pairs],
                                [accuracy(off[k]) for k in pairs])
            diff = f"{test['diff']:+.2f} (n={len(pairs)})"
            p = '-' if test['p'] is None else f"{test['p']:.3g}"
        else:
            diff, p = '-', '-'
        lines.append(f'| {regime} | {length[:-2]} | {variant} | {len(runs)} '
                     f'| ' + ' | '.join(cells) + f' | {diff} | {p} |')
    return '\n'.join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--data-root',
        required=True,
        help='folder with one sub-folder per class')
    parser.add_argument('--work-dir', default='work_dirs/sqs_study')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument(
        '--select-regime', default='pretrained', choices=REGIMES)
    parser.add_argument('--select-seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--select-iters', type=int, default=300)
    parser.add_argument(
        '--select-variants',
        nargs='+',
        choices=VARIANTS,
        help='variants tried on the validation folds '
        '(default: all that apply)')
    parser.add_argument(
        '--val-folds', type=int, nargs='+', default=list(VAL_FOLDS))
    parser.add_argument(
        '--report-folds', type=int, nargs='+', default=list(REPORT_FOLDS))
    parser.add_argument(
        '--report-variants',
        nargs='+',
        default=['off', 'paper', 'winner'],
        help="'winner' is the variant chosen on the "
        'validation folds')
    parser.add_argument(
        '--report-regimes',
        nargs='+',
        choices=REGIMES,
        default=['pretrained', 'scratch', 'lite0'])
    parser.add_argument(
        '--report-seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    parser.add_argument(
        '--report-iters', type=int, nargs='+', default=[300, 1200])
    parser.add_argument(
        '--deadline-min',
        type=float,
        help='start no run after this many minutes')
    parser.add_argument(
        '--num-workers',
        type=int,
        default=0,
        help='data loader workers per run (default 0)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='config options merged into every run, key=value as for '
        'tools/train.py; runs already in WORK_DIR are read back whatever '
        'options they had, so other options need another --work-dir')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.time()
    deadline = (
        start +
        60 * args.deadline_min if args.deadline_min is not None else None)
    results = osp.join(args.work_dir, 'results.jsonl')
    common = dict(
        work_root=args.work_dir,
        data_root=args.data_root,
        num_workers=args.num_workers,
        cfg_options=args.cfg_options)
    if set(args.val_folds) & set(args.report_folds):
        raise ValueError(f'--val-folds {args.val_folds} and --report-folds '
                         f'{args.report_folds} overlap: the choice would be '
                         'reported on the folds it was made on')
    selection = select_runs(args.select_regime, args.select_seeds,
                            args.select_iters, args.select_variants,
                            args.val_folds, **common)
    run_many(selection, results, args.jobs, deadline)
    records = list(load_records(results).values())
    selected = [r for r in records if r['fold'] in args.val_folds]
    winner = choose_winner(selected, args.select_regime, args.select_iters)
    print(f'[sqs_study] winner on the validation folds: {winner}', flush=True)
    variants = list(
        dict.fromkeys(winner if v == 'winner' else v
                      for v in args.report_variants))
    for iters in args.report_iters:
        for regime in args.report_regimes:
            run_many(
                report_runs(regime, variants, args.report_seeds, iters,
                            args.report_folds, **common), results, args.jobs,
                deadline)
    records = list(load_records(results).values())
    reported = [r for r in records if r['fold'] in args.report_folds]
    summary = dict(
        winner=winner,
        select_table=compare_table(selected),
        report_table=compare_table(reported),
        minutes=round((time.time() - start) / 60, 1))
    os.makedirs(args.work_dir, exist_ok=True)
    with open(osp.join(args.work_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    print('\nValidation folds (selection):\n' + summary['select_table'] +
          f'\n\nWinner: {winner}\n\nReport folds:\n' +
          summary['report_table'] + f"\n\n{summary['minutes']} min")
    return summary


__all__ = [
    'NUM_FOLDS', 'VAL_FOLDS', 'REPORT_FOLDS', 'REGIMES', 'VARIANTS',
    'STUDY_KEYS', 'make_run', 'candidates', 'select_runs', 'choose_winner',
    'report_runs', 'compare_table', 'parse_args', 'main'
]
