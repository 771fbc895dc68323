"""Repeated train + test runs and their statistics (paper Tables 4 and 5).

Used by ``tools/analysis_tools/seeds.py`` and ``sweep.py``: each run trains
a config with mmengine's ``Runner`` in this process, as ``tools/train.py``
does, in its own work directory, then tests its checkpoint as
``tools/test.py`` does (:func:`~sqsnet_mm.engine.prepare_test_cfg`); the
test's ``fer_metrics.json`` (written by :class:`FERMetric`) is read back. A
run on several processes (``nproc > 1``) launches ``tools/train.py`` and
``tools/test.py`` through torchrun instead. A run whose metrics file already
exists can be reused, so an interrupted study continues where it stopped.
"""
import argparse
import glob
import json
import math
import os
import os.path as osp
import socket
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.config import DictAction
from mmengine.logging import print_log
from scipy import stats

from .runs import load_cfg, run_runner

#: ``tools/`` of the repository: ``train.py`` and ``test.py`` for runs on
#: several processes.
TOOLS_DIR = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'tools')

__all__ = [
    'find_checkpoint', 'add_run_arguments', 'parse_cfg_options',
    'run_train_test', 'mean_std', 'mean_interval', 'format_interval',
    'paired_ttest', 'paired_interval', 'mcnemar', 'format_mean_std',
    'write_report'
]


def find_checkpoint(work_dir: str, which: str = 'best') -> str:
    """The checkpoint of a finished training run.

    Args:
        work_dir: The run's work directory.
        which: ``'best'``: the ``best_*.pth`` kept by ``CheckpointHook``
            (falls back to the last one when the config keeps no best);
            ``'last'``: the checkpoint named in ``last_checkpoint``.

    Returns:
        str: Path of the checkpoint.
    """
    if which not in ('best', 'last'):
        raise ValueError(f"which must be 'best' or 'last', got {which!r}")
    if which == 'best':
        best = sorted(
            glob.glob(osp.join(work_dir, 'best_*.pth')), key=osp.getmtime)
        if best:
            return best[-1]
    pointer = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        raise FileNotFoundError(
            f'no checkpoint in {work_dir}: neither best_*.pth nor '
            'last_checkpoint (did training fail? see train.log there)')
    with open(pointer, encoding='utf-8') as f:
        return f.read().strip()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _run(cmd: List[str], log_file: str) -> None:
    """Run ``cmd``, its output going to ``log_file``; raise with the log's
    tail when it fails."""
    with open(log_file, 'w', encoding='utf-8') as log:
        log.write(' '.join(cmd) + '\n')
        log.flush()
        code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    if code != 0:
        with open(log_file, encoding='utf-8', errors='replace') as f:
            tail = ''.join(f.readlines()[-30:])
        raise RuntimeError(f'command failed with exit code {code} (full log: '
                           f'{log_file}):\n{" ".join(cmd)}\n{tail}')


def add_run_arguments(parser: argparse.ArgumentParser,
                      work_dir: str) -> None:
    """The command-line options of :func:`run_train_test` shared by the
    studies (seeds, sweep): ``--work-dir``, ``--tta``, ``--checkpoint``,
    ``--nproc``, ``--amp``, ``--reuse``, ``--out``, ``--cfg-options``.

    Args:
        parser: The study's parser.
        work_dir: Default root of the runs.
    """
    parser.add_argument(
        '--work-dir', default=work_dir, help='root of the runs')
    parser.add_argument('--tta', action='store_true', help='test with TTA')
    parser.add_argument(
        '--checkpoint', choices=['best', 'last'], default='best',
        help='checkpoint to test (default: the best one)')
    parser.add_argument(
        '--nproc', type=int, default=1,
        help='processes (GPUs) per run, launched by torchrun (default 1: '
        'in this process)')
    parser.add_argument('--amp', action='store_true', help='train with AMP')
    parser.add_argument(
        '--reuse', action='store_true',
        help='reuse finished runs found in the work directory')
    parser.add_argument('--out', help='also write the Markdown table here')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[],
        help='key=value overrides for every run (train and test)')


def parse_cfg_options(options: Sequence[str]) -> dict:
    """``key=value`` strings, as ``--cfg-options`` takes them, as a dict
    for ``Config.merge_from_dict`` (values parsed as ``DictAction`` does)."""
    if not options:
        return {}
    parser = argparse.ArgumentParser(prog='cfg_options')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def _train_test_in_process(config: str, work_dir: str, test_dir: str,
                           options: dict, tta: bool, checkpoint: str,
                           amp: bool) -> None:
    """Train ``config`` into ``work_dir`` and test its checkpoint into
    ``test_dir``, both with mmengine's ``Runner`` in this process."""
    from sqsnet_mm.engine import prepare_test_cfg, use_weights_only_loader
    use_weights_only_loader()  # as in tools/train.py and tools/test.py
    name = osp.basename(osp.normpath(work_dir))
    cfg = load_cfg(config, work_dir, f'{name}_train', options)
    if amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    run_runner(cfg, test=False)
    cfg = prepare_test_cfg(
        load_cfg(config, test_dir, f'{name}_test', options),
        find_checkpoint(work_dir, checkpoint), tta)
    run_runner(cfg, train=False, fer_files=True)


def _train_test_torchrun(config: str, work_dir: str, test_dir: str,
                         tools_dir: str, cfg_options: Sequence[str],
                         tta: bool, checkpoint: str, nproc: int,
                         amp: bool) -> None:
    """Train and test through ``tools/train.py`` and ``tools/test.py`` on
    ``nproc`` processes launched by torchrun."""
    launch = [
        sys.executable, '-m', 'torch.distributed.run',
        f'--nproc_per_node={nproc}', f'--master_port={_free_port()}'
    ]
    dist = ['--launcher', 'pytorch']
    options = ['--cfg-options', *cfg_options] if cfg_options else []
    _run([
        *launch,
        osp.join(tools_dir, 'train.py'), config, '--work-dir', work_dir,
        *dist, *(['--amp'] if amp else []), *options
    ], osp.join(work_dir, 'train.log'))
    ckpt = find_checkpoint(work_dir, checkpoint)
    _run([
        *launch,
        osp.join(tools_dir, 'test.py'), config, ckpt, '--work-dir', test_dir,
        *dist, *(['--tta'] if tta else []), *options
    ], osp.join(test_dir, 'test.log'))


def run_train_test(config: str,
                   work_dir: str,
                   tools_dir: str,
                   cfg_options: Sequence[str] = (),
                   tta: bool = False,
                   checkpoint: str = 'best',
                   nproc: int = 1,
                   amp: bool = False,
                   reuse: bool = False) -> Dict[str, float]:
    """Train ``config`` into ``work_dir``, test its checkpoint, return the
    test metrics.

    Args:
        config: Config file.
        work_dir: Work directory of this run; the test writes to
            ``work_dir/test`` (``work_dir/test_tta`` with TTA).
        tools_dir: The folder of ``train.py`` and ``test.py`` (used when
            ``nproc > 1``).
        cfg_options: ``key=value`` strings (as for ``--cfg-options``) for
            both the training and the test.
        tta: Test with test-time augmentation.
        checkpoint: ``'best'`` or ``'last'``, see :func:`find_checkpoint`.
        nproc: Processes per run; 1 runs in this process, more launch
            through torchrun (``--launcher pytorch``; gloo on machines
            without CUDA).
        amp: Train with automatic mixed precision.
        reuse: Return the metrics of an earlier run with the same work
            directory instead of running again.

    Returns:
        dict[str, float]: The ``metrics`` of ``fer_metrics.json``
        (``accuracy``, ``macro_f1``, ...).
    """
    test_dir = osp.join(work_dir, 'test_tta' if tta else 'test')
    metrics_file = osp.join(test_dir, 'fer_metrics.json')
    if reuse and osp.isfile(metrics_file):
        print_log(f'reusing {metrics_file}', logger='current')
    else:
        os.makedirs(test_dir, exist_ok=True)
        if nproc > 1:
            _train_test_torchrun(config, work_dir, test_dir, tools_dir,
                                 cfg_options, tta, checkpoint, nproc, amp)
        else:
            _train_test_in_process(config, work_dir, test_dir,
                                   parse_cfg_options(cfg_options), tta,
                                   checkpoint, amp)
        if not osp.isfile(metrics_file):
            raise FileNotFoundError(
                f'{metrics_file} was not written: the config\'s '
                'test_evaluator must include FERMetric')
    with open(metrics_file, encoding='utf-8') as f:
        return json.load(f)['metrics']


def mean_std(values: Sequence[float]) -> Dict[str, float]:
    """Mean and sample standard deviation (ddof=1; 0 for a single value)."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise ValueError('mean_std of no values')
    std = float(arr.std(ddof=1)) if arr.size > 1 else 0.0
    return dict(mean=float(arr.mean()), std=std, n=int(arr.size))


def format_mean_std(values: Sequence[float]) -> str:
    """``'mean ± std'`` with two decimals (``'mean'`` for one value)."""
    s = mean_std(values)
    if s['n'] == 1:
        return f"{s['mean']:.2f}"
    return f"{s['mean']:.2f} ± {s['std']:.2f}"


def format_interval(ci: Dict[str, Optional[float]]) -> str:
    """``'[low, high]'`` of a :func:`mean_interval` or
    :func:`paired_interval` result with two decimals (``'-'`` without
    one)."""
    if ci['low'] is None:
        return '-'
    return f"[{ci['low']:.2f}, {ci['high']:.2f}]"


def paired_ttest(a: Sequence[float],
                 b: Sequence[float]) -> Dict[str, Optional[float]]:
    """Paired two-sided t-test (``scipy.stats.ttest_rel``) of ``a`` vs ``b``,
    paired by position (the same seed / fold).

    Returns:
        dict: ``diff`` (mean of a - b), ``t`` and ``p``; ``t`` and ``p`` are
        None when undefined (fewer than 2 pairs, or identical differences).
    """
    if len(a) != len(b):
        raise ValueError(f'paired t-test needs equal lengths, got {len(a)} '
                         f'and {len(b)}')
    diff = float(np.mean(np.asarray(a, float) - np.asarray(b, float)))
    if len(a) < 2:
        return dict(diff=diff, t=None, p=None)
    res = stats.ttest_rel(a, b)
    t, p = float(res.statistic), float(res.pvalue)
    if not (math.isfinite(t) and math.isfinite(p)):
        return dict(diff=diff, t=None, p=None)
    return dict(diff=diff, t=t, p=p)


def mean_interval(values: Sequence[float],
                  level: float = 0.95) -> Dict[str, Optional[float]]:
    """Mean of ``values`` (one figure per seed) with its confidence interval
    by Student's t over the values (``mean +- t_{(1+level)/2, n-1} *
    sd / sqrt(n)``).

    Returns:
        dict: ``mean``, ``low``, ``high``, ``sd`` (ddof 1) and ``n``;
        ``low``/``high``/``sd`` are None for fewer than 2 values.
    """
    v = np.asarray(values, float)
    if v.size == 0:
        raise ValueError('mean_interval of no values')
    n = int(v.size)
    out = dict(mean=float(v.mean()), low=None, high=None, sd=None, n=n)
    if n < 2:
        return out
    sd = float(v.std(ddof=1))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    out.update(low=out['mean'] - half, high=out['mean'] + half, sd=sd)
    return out


def paired_interval(a: Sequence[float],
                    b: Sequence[float],
                    level: float = 0.95,
                    power: float = 0.8) -> Dict[str, Optional[float]]:
    """Mean of the paired differences ``a - b`` with its confidence interval
    (:func:`mean_interval` of the differences) and the smallest true
    difference the design would detect with a two-sided paired t-test at
    ``1 - level`` with the given ``power`` (``(t_{1-alpha/2} + t_{power})
    * sd / sqrt(n)``, the observed ``sd`` of the differences taken as the
    true one).

    Returns:
        dict: ``diff``, ``low``, ``high``, ``sd``, ``n`` and ``detectable``
        (``low``/``high``/``sd``/``detectable`` are None with fewer than 2
        pairs).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        raise ValueError(f'paired interval needs pairs, got shapes {a.shape} '
                         f'and {b.shape}')
    ci = mean_interval(a - b, level)
    out = dict(diff=ci.pop('mean'), **ci, detectable=None)
    n = out['n']
    if n >= 2:
        out['detectable'] = (
            float(stats.t.ppf(0.5 + level / 2, n - 1)) +
            float(stats.t.ppf(power, n - 1))) * out['sd'] / math.sqrt(n)
    return out


def mcnemar(correct_a: Sequence[bool],
            correct_b: Sequence[bool]) -> Dict[str, float]:
    """Exact McNemar test of two classifiers on the same images: a two-sided
    binomial test of the discordant pairs (``a`` right where ``b`` is wrong,
    and the reverse) against 1/2.

    Returns:
        dict: ``only_a`` and ``only_b`` (discordant counts) and ``p``.
    """
    a = np.asarray(correct_a, bool)
    b = np.asarray(correct_b, bool)
    if a.shape != b.shape:
        raise ValueError(f'McNemar needs the same images: {a.shape} vs '
                         f'{b.shape}')
    only_a, only_b = int((a & ~b).sum()), int((~a & b).sum())
    p = (1.0 if only_a + only_b == 0 else float(
        stats.binomtest(only_a, only_a + only_b, 0.5).pvalue))
    return dict(only_a=only_a, only_b=only_b, p=p)


def write_report(work_dir: str, json_name: str, raw: dict, table: str,
                 out: Optional[str] = None) -> None:
    """Write a study's raw results to ``work_dir/json_name``, its Markdown
    ``table`` to ``out`` (when given), and print the table."""
    os.makedirs(work_dir, exist_ok=True)
    with open(osp.join(work_dir, json_name), 'w') as f:
        json.dump(raw, f, indent=2)
    if out:
        with open(out, 'w', encoding='utf-8') as f:
            f.write(table + '\n')
    print(table)
