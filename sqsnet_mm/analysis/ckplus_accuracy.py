"""Accuracy on real faces: CK+48, subject-independent k-fold, 3 models.

Trains and tests, for every seed and every subject fold (FERFolder splits
CK+48 by subject, never by image), with the recipe's seeds study
(:mod:`sqsnet_mm.analysis.seeds`, ``--folds K``):

- ``configs/sqsnet/sqsnet_tiny_1xb32-300it_ckplus-64px.py``: tiny SQSNet
  with SQS;
- ``configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32-300it_ckplus-64px.py``: the same
  without SQS;
- ``configs/resnet/resnet18_1xb32-300it_ckplus-64px.py``: MMPretrain's
  ResNet-18 with a linear head, the plain baseline,

all at 64 px with the same data, iterations, batch and schedule
(``configs/_base_/datasets/ckplus_64px.py``,
``configs/_base_/schedules/sqsnet_cpu_300it.py``). The three configs run
as parallel worker processes (one torch thread each, ``OMP_NUM_THREADS=1``:
two threads per process collapse on a shared 2-core machine); then the
seeds study is run again with ``--compare --reuse`` to print mean ± std of every metric and
the paired t-test (pairs: same seed and fold) of SQS vs w/o SQS and of SQS
vs ResNet-18, without training again. Tables go to ``WORK_DIR/*.md``.

Example (about 40 min on 2 idle cores)::

    python tools/analysis_tools/ckplus_accuracy.py --seeds 0 1 2 --folds 5
"""
import argparse
import contextlib
import copy
import multiprocessing as mp
import os
import os.path as osp
import shutil
import time
import traceback
from typing import List, Sequence, Tuple

from mmengine.config import Config

from . import seeds
from .runs import in_flight, set_iterations

CONFIGS = dict(
    sqs='configs/sqsnet/sqsnet_tiny_1xb32-300it_ckplus-64px.py',
    wo_sqs='configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32-300it_ckplus-64px.py',
    resnet18='configs/resnet/resnet18_1xb32-300it_ckplus-64px.py')
COMPARISONS = (('sqs', 'wo_sqs'), ('sqs', 'resnet18'))


def iters_options(config: str, iters: int) -> List[str]:
    """``--cfg-options`` that make ``config`` train ``iters`` iterations:
    the loop, validation and checkpoint at the end, and every scheduler
    phase rescaled by :func:`sqsnet_mm.analysis.runs.set_iterations`."""
    cfg = Config.fromfile(config)
    before = copy.deepcopy(cfg.param_scheduler)
    set_iterations(cfg, iters)
    options = [
        f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}',
        f'default_hooks.checkpoint.interval={iters}'
    ]
    for i, (old, new) in enumerate(zip(before, cfg.param_scheduler)):
        options += [
            f'param_scheduler.{i}.{key}={value}'
            for key, value in new.items() if old[key] != value
        ]
    return options


def seeds_argv(config: str, args, compare: str = None,
               out: str = None) -> List[str]:
    """Arguments of the seeds study for ``config`` (and ``compare``)."""
    cmd = [
        config, '--seeds',
        *map(str, args.seeds), '--folds',
        str(args.folds), '--work-dir', args.work_dir, '--checkpoint', 'last',
        '--reuse'
    ]
    if compare:
        cmd += ['--compare', compare]
    if out:
        cmd += ['--out', out]
    if args.iters:
        cmd += ['--cfg-options', *iters_options(config, args.iters)]
    if args.data_root:
        cmd += ([] if args.iters else ['--cfg-options']) + [
            f'{key}.dataset.data_root={args.data_root}'
            for key in ('train_dataloader', 'val_dataloader',
                        'test_dataloader')
        ]
    return cmd


def run_seeds(argv: List[str], log: str) -> int:
    """The seeds study with ``argv`` in this process, its output appended
    to ``log``."""
    with open(log, 'a', encoding='utf-8') as f, \
            contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
        print(' '.join(argv), flush=True)
        try:
            return seeds.main(argv)
        except Exception:
            traceback.print_exc()  # into the log
            raise


def run_parallel(argvs: Sequence[List[str]], logs: Sequence[str],
                 jobs: int) -> None:
    """Run the seeds study once per ``argv``, at most ``jobs`` at a time,
    each in a worker process with one torch thread; raise naming the log of
    a failed one."""
    # inherited by the spawned workers before they import torch
    os.environ.update(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    ctx = mp.get_context('spawn')

    def start(task: Tuple[List[str], str]) -> mp.process.BaseProcess:
        argv, log = task
        open(log, 'w').close()
        proc = ctx.Process(target=run_seeds, args=(argv, log))
        proc.start()
        print(f'[ckplus] started: {argv[0]} (log {log})', flush=True)
        return proc

    def finished(proc: mp.process.BaseProcess) -> bool:
        return proc.exitcode is not None

    failed = []
    tasks = zip(argvs, logs)
    for (_, log), proc in in_flight(tasks, start, finished, jobs, poll=5):
        print(
            f'[ckplus] finished with code {proc.exitcode}: {log}', flush=True)
        if proc.exitcode:
            failed.append(log)
    if failed:
        raise RuntimeError(f'seeds runs failed, see {failed}')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--work-dir', default='work_dirs/benchmarks/ckplus')
    parser.add_argument('--jobs', type=int, default=3,
                        help='configs trained at once (default 3)')
    parser.add_argument('--iters', type=int,
                        help='override the training iterations of the '
                        'budget config (e.g. a quick smoke run)')
    parser.add_argument('--data-root',
                        help='CK+48 folder (default: the configs\' '
                        'data/ckplus48)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    run_parallel([seeds_argv(c, args) for c in CONFIGS.values()],
                 [osp.join(args.work_dir, f'{k}.log') for k in CONFIGS],
                 args.jobs)
    print(f'[ckplus] training and tests: {(time.time() - start) / 60:.1f} '
          'min', flush=True)
    for a, b in COMPARISONS:
        out = osp.join(args.work_dir, f'{a}_vs_{b}.md')
        with open(os.devnull, 'w') as devnull, \
                contextlib.redirect_stdout(devnull):
            seeds.main(
                seeds_argv(CONFIGS[a], args, compare=CONFIGS[b], out=out))
        shutil.copy(
            osp.join(args.work_dir, 'seeds.json'),
            osp.join(args.work_dir, f'{a}_vs_{b}.json'))
        with open(out, encoding='utf-8') as f:
            print(f'\n{CONFIGS[a]} vs {CONFIGS[b]}, seeds {args.seeds}, '
                  f'{args.folds} subject folds:\n{f.read()}')

