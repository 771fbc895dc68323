"""Accuracy on real faces: CK+48, subject-independent k-fold, 3 models.

Trains and tests, for every seed and every subject fold (FERFolder splits
CK+48 by subject, never by image), with the recipe's seeds tool
(``tools/analysis_tools/seeds.py --folds K``):

- ``configs/sqsnet/sqsnet_tiny_1xb32_ckplus.py``: tiny SQSNet with SQS;
- ``configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32_ckplus.py``: the same without SQS;
- ``configs/resnet/resnet18_1xb32_ckplus.py``: MMPretrain's ResNet-18 with a
  linear head, the plain baseline,

all at 64 px with the same data, iterations, batch and schedule
(``configs/_base_/datasets/ckplus_64px.py``,
``configs/_base_/schedules/sqsnet_cpu_300it.py``). The three configs run
as parallel jobs (one torch thread each, ``OMP_NUM_THREADS=1``: two threads
per process collapse on a shared 2-core machine); then the seeds tool is
run again with ``--compare --reuse`` to print mean ± std of every metric and
the paired t-test (pairs: same seed and fold) of SQS vs w/o SQS and of SQS
vs ResNet-18, without training again. Tables go to ``WORK_DIR/*.md``.

Example (about 40 min on 2 idle cores)::

    python tools/analysis_tools/ckplus_accuracy.py --seeds 0 1 2 --folds 5
"""
import argparse
import copy
import os
import os.path as osp
import shutil
import subprocess
import sys
import time
from typing import List, Sequence

from mmengine.config import Config

from sqsnet_mm.analysis.runs import set_iterations

SEEDS_TOOL = 'tools/analysis_tools/seeds.py'
CONFIGS = dict(
    sqs='configs/sqsnet/sqsnet_tiny_1xb32_ckplus.py',
    wo_sqs='configs/sqsnet/sqsnet_tiny-wo-sqs_1xb32_ckplus.py',
    resnet18='configs/resnet/resnet18_1xb32_ckplus.py')
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


def seeds_cmd(config: str, args, compare: str = None,
              out: str = None) -> List[str]:
    cmd = [
        sys.executable, SEEDS_TOOL, config, '--seeds',
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


def run_parallel(cmds: Sequence[List[str]], logs: Sequence[str],
                 jobs: int) -> None:
    """Run the commands, at most ``jobs`` at a time, one torch thread each;
    raise naming the log of a failed one."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    pending = list(zip(cmds, logs))
    running = []
    failed = []
    while pending or running:
        while pending and len(running) < jobs:
            cmd, log = pending.pop(0)
            f = open(log, 'w', encoding='utf-8')
            f.write(' '.join(cmd) + '\n')
            f.flush()
            running.append((subprocess.Popen(
                cmd, stdout=f, stderr=subprocess.STDOUT, env=env), f, log))
            print(f'[ckplus] started: {" ".join(cmd[1:3])} (log {log})',
                  flush=True)
        time.sleep(5)
        for item in list(running):
            proc, f, log = item
            if proc.poll() is not None:
                f.close()
                running.remove(item)
                print(f'[ckplus] finished with code {proc.returncode}: '
                      f'{log}', flush=True)
                if proc.returncode:
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
                        '../shared/data/ckplus48)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    run_parallel([seeds_cmd(c, args) for c in CONFIGS.values()],
                 [osp.join(args.work_dir, f'{k}.log') for k in CONFIGS],
                 args.jobs)
    print(f'[ckplus] training and tests: {(time.time() - start) / 60:.1f} '
          'min', flush=True)
    for a, b in COMPARISONS:
        out = osp.join(args.work_dir, f'{a}_vs_{b}.md')
        subprocess.run(
            seeds_cmd(CONFIGS[a], args, compare=CONFIGS[b], out=out),
            check=True,
            stdout=subprocess.DEVNULL)
        shutil.copy(
            osp.join(args.work_dir, 'seeds.json'),
            osp.join(args.work_dir, f'{a}_vs_{b}.json'))
        with open(out, encoding='utf-8') as f:
            print(f'\n{CONFIGS[a]} vs {CONFIGS[b]}, seeds {args.seeds}, '
                  f'{args.folds} subject folds:\n{f.read()}')


if __name__ == '__main__':
    main()
