"""FERPlus studies: the CPU recipe chosen on FER2013Valid, and SQS with
statistical power on FER2013Test.

Every run trains on FER2013Train and is tested once at its end (no
checkpoint choice, :func:`sqsnet_mm.analysis.runs.build_cfg`); what a run is
scored on is its stage's split, so nothing is chosen on FER2013Test:

- ``trials``: recipe trials (input size, backbone, label mode,
  augmentation, learning rate, hybrid against Lite0 alone), one seed each,
  scored on FER2013Valid. Each trial names its iteration budget; trials of
  different speed get budgets of about the same training time;
  ``--trial-iters`` trains them for another length (schedule length).
- ``sqs-select``: SQS variants (:data:`SQS_VARIANTS`) against ``off`` on
  FER2013Valid; the best variant by accuracy is chosen.
- ``sqs-report``: ``--seeds`` x {``off``, chosen} on FER2013Test, paired by
  seed (same initialisation and batches order seed). The report gives per
  pair the difference and McNemar's exact test on the shared test images
  (from the ``fer_predictions.csv`` each run writes), and over the pairs the
  mean difference with its 95% interval, the paired t-test and the smallest
  difference this design detects (80% power).

Results are appended to ``WORK_DIR/results.jsonl`` as runs finish, so a
second call continues where an interrupted one stopped. Example::

    python tools/analysis_tools/ferplus_study.py trials \\
        --data-root data/ferplus --work-dir work_dirs/ferplus_study
"""
import argparse
import csv
import os.path as osp
from collections import defaultdict
from typing import Dict, Iterable, List, Optional, Sequence

from .experiments import mcnemar, paired_interval, paired_ttest
from .runs import load_records, run_many
from .sqs_study import VARIANTS, accuracy

CONFIG_DIR = 'configs/sqsnet'
#: The FERPlus configs by short name.
CONFIGS = dict(
    lite0=f'{CONFIG_DIR}/sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_'
    'ferplus-112px.py',
    lite0_off=f'{CONFIG_DIR}/sqsnet_efficientnet-lite0-wo-sqs_in1k-pre_'
    '1xb32-3000it_ferplus-112px.py',
    hybrid=f'{CONFIG_DIR}/sqsnet_efficientnet-lite0-swin-mini_in1k-pre_'
    '1xb32-3000it_ferplus-112px.py',
    hybrid_off=f'{CONFIG_DIR}/sqsnet_efficientnet-lite0-swin-mini-wo-sqs_'
    'in1k-pre_1xb32-3000it_ferplus-112px.py')


def size_options(size: int, hybrid: bool = False) -> dict:
    """Overrides that train and test at ``size`` px (the crop of the train
    pipeline, the resize of the test pipelines; the Swin branch's input
    size for the hybrid)."""
    options = {
        'train_dataloader.dataset.pipeline.1.scale': size,
        'val_dataloader.dataset.pipeline.1.scale': size,
        'test_dataloader.dataset.pipeline.1.scale': size,
    }
    if hybrid:
        options['model.backbone.global_.img_size'] = size
    return options


def erasing_pipeline(size: int) -> List[dict]:
    """The train pipeline of the FERPlus configs at ``size`` px with the
    paper's Random Erasing (p 0.5, 2-33% of the image, random values) before
    packing."""
    return [
        dict(type='LoadImageFromFile'),
        dict(
            type='RandomResizedCrop',
            scale=size,
            crop_ratio_range=(0.8, 1.0),
            interpolation='bicubic'),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(
            type='RandomErasing',
            erase_prob=0.5,
            mode='rand',
            min_area_ratio=0.02,
            max_area_ratio=1 / 3),
        dict(type='PackInputs'),
    ]


def backbone_options(lite: str) -> dict:
    """Overrides that swap the Lite0 backbone for EfficientNet-``lite``
    (``'lite1'`` or ``'lite2'``) with its ImageNet weights; the last map
    keeps 1280 channels, so the heads stay as they are."""
    return {
        'model.backbone.model_name': f'tf_efficientnet_{lite}',
        'model.backbone.init_cfg.checkpoint': f'efficientnet-lite://{lite}'
    }


def trial(config: str, iters: int, size: int = 112, **options) -> dict:
    """One recipe trial: a config short name, its budget and overrides
    (majority labels unless ``options`` say otherwise)."""
    return dict(
        config=config,
        iters=iters,
        options={
            **size_options(size, config.startswith('hybrid')),
            'train_dataloader.dataset.label_mode': 'majority',
            **options
        })


#: Recipe trials, all without SQS (the SQS question is the SQS study's).
#: Budgets: about equal training time on 2 CPU cores, from step times
#: measured before the trials (one thread, 112 px, batch 32: Lite1 and
#: Lite2 take 1.35x and 1.45x Lite0's step). The Mixup trial mixes half of
#: the batches with Beta(0.4, 0.4), the paper's alpha (sec. 4.2); the
#: ``--trial-iters`` option trains a trial for another length (schedule
#: trials).
TRIALS: Dict[str, dict] = {
    'lite0-64px': trial('lite0_off', 2400, 64),
    'lite0-96px': trial('lite0_off', 1300, 96),
    'lite0-112px': trial('lite0_off', 900, 112),
    'lite0-112px-probability': trial(
        'lite0_off', 900, 112,
        **{'train_dataloader.dataset.label_mode': 'probability'}),
    'lite0-112px-erasing': trial(
        'lite0_off', 900, 112,
        **{'train_dataloader.dataset.pipeline': erasing_pipeline(112)}),
    'lite0-112px-lr3e-3': trial(
        'lite0_off', 900, 112,
        **{'optim_wrapper.optimizer.lr': 3e-3}),
    'lite0-112px-mixup': trial(
        'lite0_off', 900, 112,
        **{'model.train_cfg': dict(
            augments=dict(type='Mixup', alpha=0.4), probs=[0.5])}),
    'lite1-112px': trial('lite0_off', 600, 112, **backbone_options('lite1')),
    'lite2-112px': trial('lite0_off', 600, 112, **backbone_options('lite2')),
    'hybrid-112px': trial('hybrid_off', 600, 112),
}

#: SQS variants tried on FER2013Valid: the configs' default (per-image
#: weights, R detached) and its parts alone (the enhanced classifier and KL
#: without L_SQS; L_SQS without the enhanced classifier and KL).
SQS_VARIANTS: Dict[str, Optional[dict]] = {
    'off': None,
    'image+detach': VARIANTS['image+detach'],
    'enhanced+kl-only': {
        **VARIANTS['image+detach'], 'model.head.sqs_loss_weight': 0.0
    },
    'sqs-loss-only': {
        **VARIANTS['image+detach'], 'model.head.enhanced_loss_weight': 0.0,
        'model.head.kl_weight': 0.0
    },
}


def make_run(name: str,
             config: str,
             iters: int,
             seed: int,
             split: str,
             work_root: str,
             options: Optional[dict] = None,
             data_root: Optional[str] = None) -> dict:
    """A run of :func:`sqsnet_mm.analysis.runs.run_many` scored on
    ``split`` (``'val'`` or ``'test'``), writing its per-image predictions
    into its work directory. Images load in the run's process (no loader
    workers: runs in worker processes cannot start any, and decoding a
    48 px PNG costs little next to a training step)."""
    work_dir = f'{work_root}/{name}/{iters}it/seed{seed}'
    return dict(
        name=f'{name}/{iters}it/{split}',
        config=CONFIGS[config],
        iters=iters,
        seed=seed,
        data_root=data_root,
        num_workers=0,
        work_dir=work_dir,
        options={
            **(options or {}), 'test_dataloader.dataset.split': split,
            'test_evaluator.out_dir': work_dir
        })


def sqs_run(variant: str, iters: int, seed: int, split: str,
            work_root: str, size: int, data_root: Optional[str]) -> dict:
    """A run of the SQS study: Lite0 alone at ``size`` px, ``variant`` of
    :data:`SQS_VARIANTS`, trained on the majority labels, so that every run
    of the study shares one label mode."""
    options = SQS_VARIANTS[variant]
    config = 'lite0_off' if options is None else 'lite0'
    return make_run(
        f'sqs/{size}px/{variant}', config, iters, seed, split, work_root, {
            **size_options(size), 'train_dataloader.dataset.label_mode':
            'majority',
            **(options or {})
        }, data_root)


def choose_variant(records: Iterable[dict], size: int, iters: int) -> str:
    """The SQS variant of the ``sqs-select`` stage (same size and length)
    with the highest mean FER2013Valid accuracy over its seeds."""
    scores = defaultdict(list)
    for r in records:
        for v in SQS_VARIANTS:
            if v != 'off' and r['name'] == f'sqs/{size}px/{v}/{iters}it/val':
                scores[v].append(accuracy(r))
    if not scores:
        raise ValueError(f'no sqs-select results at {size} px and {iters} '
                         'iterations: run the sqs-select stage first, or '
                         'give --variant')
    return max(scores, key=lambda v: sum(scores[v]) / len(scores[v]))


def predictions(record: dict) -> Dict[str, bool]:
    """Image path -> whether the run classified it correctly."""
    path = osp.join(record['work_dir'], 'fer_predictions.csv')
    with open(path, newline='', encoding='utf-8') as f:
        return {
            row['img_path']: row['gt_label'] == row['pred_label']
            for row in csv.DictReader(f)
        }


def table(records: Sequence[dict]) -> str:
    """Markdown table of runs: name, seed, accuracy, macro-F1, minutes."""
    lines = [
        '| run | seed | accuracy | macro-F1 | minutes |',
        '|---|---:|---:|---:|---:|'
    ]
    for r in sorted(records, key=lambda r: (r['name'], r['seed'])):
        lines.append(f"| {r['name']} | {r['seed']} | {accuracy(r):.2f} | "
                     f"{r['metrics']['fer/macro_f1']:.2f} | "
                     f"{r['seconds'] / 60:.1f} |")
    return '\n'.join(lines)


def paired_report(off: Sequence[dict], sqs: Sequence[dict]) -> str:
    """Per-seed pairs (difference, McNemar) and the summary over pairs."""
    by_seed = {r['seed']: r for r in off}
    pairs = [(by_seed[r['seed']], r) for r in sqs if r['seed'] in by_seed]
    if not pairs:
        raise ValueError('no seed has both an off and an SQS run')
    lines = [
        '| seed | off | SQS | SQS - off | only SQS right | only off right '
        '| McNemar p |', '|---:|---:|---:|---:|---:|---:|---:|'
    ]
    for a, b in sorted(pairs, key=lambda p: p[0]['seed']):
        pa, pb = predictions(a), predictions(b)
        if set(pa) != set(pb):
            raise ValueError(f"seed {a['seed']}: the off and SQS runs were "
                             'tested on different images')
        keys = sorted(pa)
        test = mcnemar([pb[k] for k in keys], [pa[k] for k in keys])
        lines.append(f"| {a['seed']} | {accuracy(a):.2f} | {accuracy(b):.2f}"
                     f" | {accuracy(b) - accuracy(a):+.2f} | "
                     f"{test['only_a']} | {test['only_b']} | "
                     f"{test['p']:.3g} |")
    acc_off = [accuracy(a) for a, _ in pairs]
    acc_sqs = [accuracy(b) for _, b in pairs]
    ci = paired_interval(acc_sqs, acc_off)
    t = paired_ttest(acc_sqs, acc_off)
    summary = f"\nMean SQS - off over {ci['n']} seeds: {ci['diff']:+.2f}"
    if ci['low'] is not None:
        summary += (f" points, 95% CI [{ci['low']:+.2f}, {ci['high']:+.2f}]"
                    f", paired t-test p = "
                    f"{'-' if t['p'] is None else format(t['p'], '.3g')}"
                    f"; sd of the differences {ci['sd']:.2f}; this design "
                    f"detects a true difference of {ci['detectable']:.2f} "
                    'points with 80% power at p < 0.05.')
    return '\n'.join(lines) + summary


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'stage', choices=['trials', 'sqs-select', 'sqs-report'])
    parser.add_argument('--data-root', default='data/ferplus')
    parser.add_argument('--work-dir', default='work_dirs/ferplus_study')
    parser.add_argument('--jobs', type=int, default=1,
                        help='runs at once (one torch thread each when > 1)')
    parser.add_argument(
        '--trials', nargs='+', choices=TRIALS, default=list(TRIALS),
        help='trials to run (trials stage)')
    parser.add_argument(
        '--trial-iters', type=int,
        help='train every trial of this call for this many iterations '
        'instead of its own budget (trials stage; schedule-length trials)')
    parser.add_argument('--size', type=int, default=112,
                        help='input size of the SQS study')
    parser.add_argument('--iters', type=int, default=900,
                        help='training length of the SQS study')
    parser.add_argument(
        '--variants', nargs='+', choices=SQS_VARIANTS,
        default=list(SQS_VARIANTS),
        help='variants of the sqs-select stage')
    parser.add_argument(
        '--variant', choices=[v for v in SQS_VARIANTS if v != 'off'],
        help='the variant to report against off (sqs-report stage; '
        'default: the one the sqs-select stage chose on FER2013Valid)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> str:
    args = parse_args(argv)
    results = osp.join(args.work_dir, 'results.jsonl')
    if args.stage == 'trials':
        runs = [
            make_run(f'trials/{name}', spec['config'],
                     args.trial_iters or spec['iters'], seed,
                     'val', args.work_dir, spec['options'], args.data_root)
            for name in args.trials for seed in args.seeds
            for spec in [TRIALS[name]]
        ]
        report = table(run_many(runs, results, args.jobs))
    elif args.stage == 'sqs-select':
        runs = [
            sqs_run(v, args.iters, seed, 'val', args.work_dir, args.size,
                    args.data_root) for seed in args.seeds
            for v in args.variants
        ]
        report = table(run_many(runs, results, args.jobs))
    else:
        variant = args.variant or choose_variant(
            load_records(results).values(), args.size, args.iters)
        print(f'[ferplus_study] reporting {variant!r} against off on '
              'FER2013Test', flush=True)
        runs = [
            sqs_run(v, args.iters, seed, 'test', args.work_dir, args.size,
                    args.data_root) for seed in args.seeds
            for v in ('off', variant)
        ]
        records = run_many(runs, results, args.jobs)
        off = [r for r in records if '/off/' in r['name']]
        sqs = [r for r in records if '/off/' not in r['name']]
        report = table(records) + '\n\n' + paired_report(off, sqs)
    print(report, flush=True)
    return report


__all__ = [
    'CONFIGS', 'TRIALS', 'SQS_VARIANTS', 'size_options', 'backbone_options',
    'make_run', 'sqs_run', 'choose_variant', 'predictions', 'table',
    'paired_report', 'parse_args', 'main'
]
