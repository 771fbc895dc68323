"""Run a config over several seeds (and folds); report mean ± std and the
95% confidence interval of every test metric, and compare two configs with
a paired t-test (paper Table 5).

Examples::

    # SQSNet on RAF-DB, 5 seeds, TTA at test time
    python tools/analysis_tools/seeds.py \\
        configs/sqsnet/sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py \\
        --seeds 0 1 2 3 4 --tta

    # with vs without SQS, paired by seed (Table 5), table to a file
    python tools/analysis_tools/seeds.py \\
        configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py \\
        --compare \\
        configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32-5e_synthetic-64px.py \\
        --seeds 0 1 2 --out work_dirs/seeds/table.md

    # subject-independent 10-fold cross-validation on a FERFolder set
    python tools/analysis_tools/seeds.py MY_CKPLUS_CONFIG --seeds 0 --folds 10

Each run trains and tests in this process as ``tools/train.py`` and
``tools/test.py`` do (:func:`sqsnet_mm.analysis.experiments.run_train_test`;
``--nproc N`` launches those scripts through torchrun), in
``WORK_DIR/<config name>/seed<S>[_fold<K>]`` with ``randomness.seed=S``
(and the fold keys); the test metrics come from FERMetric's
``fer_metrics.json``. All raw metrics are written to
``WORK_DIR/seeds.json``, the Markdown table to stdout and ``--out``.
"""
import argparse
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from .experiments import (TOOLS_DIR, add_run_arguments, format_interval,
                          format_mean_std, mean_interval, paired_interval,
                          paired_ttest, run_train_test, write_report)

FOLD_DATASETS = ('train_dataloader.dataset', 'val_dataloader.dataset',
                 'test_dataloader.dataset')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train and test a config over seeds (and folds); '
        'mean ± std of every metric, paired t-test against --compare.')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--compare', help='a second config, paired with the first by seed')
    parser.add_argument(
        '--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4],
        help='seeds (default: 0 1 2 3 4, as the paper\'s 5 runs)')
    parser.add_argument(
        '--folds', type=int, default=None,
        help='K: also loop over folds 0..K-1 of a FERFolder data set, '
        'setting num_folds=K and fold=k on --fold-datasets')
    parser.add_argument(
        '--fold-datasets', nargs='+', default=list(FOLD_DATASETS),
        help='config keys of the data sets that take fold/num_folds')
    add_run_arguments(parser, 'work_dirs/seeds')
    return parser.parse_args(argv)


def run_plan(seeds: Sequence[int], folds: Optional[int],
             fold_datasets: Sequence[str]) -> List[Tuple[str, List[str]]]:
    """(run name, cfg options) of every seed x fold."""
    plan = []
    for seed in seeds:
        for fold in (range(folds) if folds else [None]):
            name = f'seed{seed}' + ('' if fold is None else f'_fold{fold}')
            options = [f'randomness.seed={seed}']
            if fold is not None:
                options += [
                    f'{key}.{field}={value}' for key in fold_datasets
                    for field, value in (('num_folds', folds), ('fold', fold))
                ]
            plan.append((name, options))
    return plan


def run_config(config: str, plan, args) -> Dict[str, Dict[str, float]]:
    """Metrics of every run of ``config``, by run name."""
    root = osp.join(args.work_dir, osp.splitext(osp.basename(config))[0])
    results = {}
    for name, options in plan:
        print(f'[seeds] {config}: {name}', flush=True)
        results[name] = run_train_test(
            config,
            osp.join(root, name),
            TOOLS_DIR,
            cfg_options=[*options, *args.cfg_options],
            tta=args.tta,
            checkpoint=args.checkpoint,
            nproc=args.nproc,
            amp=args.amp,
            reuse=args.reuse)
        print(f'[seeds]   accuracy {results[name]["accuracy"]:.2f}',
              flush=True)
    return results


def metric_names(*runs: Dict[str, Dict[str, float]]) -> List[str]:
    """Metric keys in first-seen order (summary metrics first)."""
    names: List[str] = []
    for results in runs:
        for metrics in results.values():
            names += [k for k in metrics if k not in names]
    return names


def markdown_table(config: str,
                   a: Dict[str, Dict[str, float]],
                   compare: Optional[str] = None,
                   b: Optional[Dict[str, Dict[str, float]]] = None) -> str:
    """Mean ± std and the 95% interval of the mean (Student's t over the
    runs) per metric; with ``b`` also the mean paired difference, its 95%
    interval and the paired t-test."""
    runs = list(a)
    header = f'| metric | {osp.basename(config)} (n={len(runs)}) | 95% CI |'
    rule = '| --- | ---: | ---: |'
    if b is not None:
        header += (f' {osp.basename(compare)} (n={len(runs)}) | '
                   'mean diff | 95% CI of diff | t | p (paired t-test) |')
        rule += ' ---: | ---: | ---: | ---: | ---: |'
    lines = [header, rule]
    for key in metric_names(a, *([b] if b else [])):
        va = [a[r][key] for r in runs if key in a[r]]
        row = (f'| {key} | {format_mean_std(va) if va else "-"} | '
               f'{format_interval(mean_interval(va)) if va else "-"} |')
        if b is not None:
            vb = [b[r][key] for r in runs if key in b[r]]
            paired = [(a[r][key], b[r][key]) for r in runs
                      if key in a[r] and key in b[r]]
            xa, xb = [x for x, _ in paired], [y for _, y in paired]
            test = paired_ttest(xa, xb) if paired else None
            ci = format_interval(paired_interval(xa, xb)) if paired else '-'

            def fmt(v):
                return '-' if v is None else f'{v:.3g}'

            row += (f' {format_mean_std(vb) if vb else "-"} | '
                    f'{fmt(test and test["diff"])} | {ci} | '
                    f'{fmt(test and test["t"])} | '
                    f'{fmt(test and test["p"])} |')
        lines.append(row)
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    plan = run_plan(args.seeds, args.folds, args.fold_datasets)
    results = {args.config: run_config(args.config, plan, args)}
    if args.compare:
        results[args.compare] = run_config(args.compare, plan, args)
    table = markdown_table(args.config, results[args.config], args.compare,
                           results.get(args.compare))
    write_report(args.work_dir, 'seeds.json', results, table, args.out)
    return 0

