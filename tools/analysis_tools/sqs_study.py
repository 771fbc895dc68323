"""Does SQS help? Validation-fold selection, then report folds x seeds.

The protocol is in :mod:`sqsnet_mm.analysis.sqs_study`: candidate SQS
variants are trained on validation subject folds 0-4 of a 10-fold split
(``--select-seeds``), the best by mean validation accuracy is chosen, and
only it, the paper's literal setting and ``off`` (no SQS) are trained on
report folds 5-9 (``--report-seeds`` x ``--report-iters`` x
``--report-regimes``), compared by paired t-tests. Runs go ``--jobs`` at a
time in worker processes; results are appended to
``WORK_DIR/results.jsonl`` as they finish, so a second call continues an
interrupted study; ``--deadline-min`` stops handing out runs after that
many minutes (the report then covers the runs that finished).

Example (CK+48)::

    python tools/analysis_tools/sqs_study.py \\
        --data-root ../shared/data/ckplus48 --work-dir work_dirs/sqs_study \\
        --jobs 2
"""
import argparse
import json
import os
import os.path as osp
import time

from sqsnet_mm.analysis.runs import load_records, run_many
from sqsnet_mm.analysis.sqs_study import (REGIMES, REPORT_FOLDS, VAL_FOLDS,
                                          VARIANTS, choose_winner,
                                          compare_table, report_runs,
                                          select_runs)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', required=True,
                        help='folder with one sub-folder per class')
    parser.add_argument('--work-dir', default='work_dirs/sqs_study')
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument('--select-regime', default='pretrained',
                        choices=REGIMES)
    parser.add_argument('--select-seeds', type=int, nargs='+', default=[0, 1])
    parser.add_argument('--select-iters', type=int, default=300)
    parser.add_argument('--select-variants', nargs='+', choices=VARIANTS,
                        help='variants tried on the validation folds '
                        '(default: all that apply)')
    parser.add_argument('--val-folds', type=int, nargs='+',
                        default=list(VAL_FOLDS))
    parser.add_argument('--report-folds', type=int, nargs='+',
                        default=list(REPORT_FOLDS))
    parser.add_argument('--report-variants', nargs='+',
                        default=['off', 'paper', 'winner'],
                        help="'winner' is the variant chosen on the "
                        'validation folds')
    parser.add_argument('--report-regimes', nargs='+', choices=REGIMES,
                        default=['pretrained', 'scratch', 'lite0'])
    parser.add_argument('--report-seeds', type=int, nargs='+',
                        default=[0, 1, 2, 3, 4])
    parser.add_argument('--report-iters', type=int, nargs='+',
                        default=[300, 1200])
    parser.add_argument('--deadline-min', type=float,
                        help='start no run after this many minutes')
    parser.add_argument('--num-workers', type=int, default=0,
                        help='data loader workers per run (default 0)')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.time()
    deadline = (start + 60 * args.deadline_min
                if args.deadline_min is not None else None)
    results = osp.join(args.work_dir, 'results.jsonl')
    common = dict(
        work_root=args.work_dir,
        data_root=args.data_root,
        num_workers=args.num_workers)
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
    print(f'[sqs_study] winner on the validation folds: {winner}',
          flush=True)
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


if __name__ == '__main__':
    main()
