"""Plot the training loss, learning rate and validation metrics of a run.

Reads what mmengine's ``LocalVisBackend`` (``vis_backends`` of
``configs/_base_/default_runtime.py``) writes during training:
``WORK_DIR/<timestamp>/vis_data/scalars.json``, one JSON record per logged
training iteration and per validation. MMPretrain's
``tools/analysis_tools/analyze_logs.py plot_curve`` does the same from the
text log's JSON.

Examples::

    python tools/analysis_tools/plot_curves.py work_dirs/quickstart
    python tools/analysis_tools/plot_curves.py work_dirs/run/20261125_164405 \\
        --val-keys fer/accuracy fer/f1_fear --out curves.png

Everything is plotted against the iteration, validation metrics included
(see :func:`load_scalars` for how their iteration is found).
"""
import glob
import json
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib
from mmengine.config import Config

from sqsnet_mm.utils import docstring_parser

matplotlib.use('Agg')  # written to a file, no display needed
import matplotlib.pyplot as plt  # noqa: E402

#: Validation metrics plotted when ``--val-keys`` is not given.
DEFAULT_VAL_KEYS = re.compile(r'(^|/)(accuracy|balanced_accuracy|macro_f1|'
                              r'top\d+)$')
#: Logged values that are not training curves.
NOT_CURVES = ('step', 'iter', 'epoch', 'time', 'data_time', 'memory')

Series = Dict[str, Tuple[List[int], List[float]]]


def parse_args(argv=None):
    parser = docstring_parser(__doc__)
    parser.add_argument(
        'run',
        help='work dir (its latest run with training records is used), a '
        'run folder <timestamp> or a scalars.json file')
    parser.add_argument(
        '--train-keys',
        nargs='+',
        help='training values to plot (default: every loss*)')
    parser.add_argument(
        '--val-keys',
        nargs='+',
        help='validation values to plot (default: accuracies, macro-F1, '
        'top-k)')
    parser.add_argument(
        '--out', help='PNG file (default: training_curves.png in the run)')
    return parser.parse_args(argv)


def find_scalars(run: str) -> str:
    """The ``scalars.json`` of a work dir's latest run with training records
    (runs are ``<timestamp>`` folders), of a run folder, or the file."""
    if osp.isfile(run):
        return run
    candidates = sorted(
        glob.glob(osp.join(run, 'vis_data', 'scalars.json')) +
        glob.glob(osp.join(run, '*', 'vis_data', 'scalars.json')))
    for path in reversed(candidates):
        if any('lr' in record for record in read_records(path)):
            return path
    raise FileNotFoundError(
        f'no training scalars in {run}: looked for {run}/vis_data/'
        f'scalars.json and {run}/<timestamp>/vis_data/scalars.json with '
        f'training records ({len(candidates)} found without); the config '
        "needs vis_backends=[dict(type='LocalVisBackend')]")


def read_records(path: str) -> List[dict]:
    """The JSON records of a ``scalars.json``, one per line.

    Raises:
        ValueError: If a line is not a JSON object (file and line named).
    """
    records = []
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path}, line {number}: not JSON '
                                 f'({error.msg})') from error
            if not isinstance(record, dict):
                raise ValueError(f'{path}, line {number}: not a JSON object')
            records.append(record)
    return records


def epoch_length(run_dir: str) -> Optional[int]:
    """Iterations per epoch of an epoch-based run, from its text log
    (``Epoch(train) [1][ 50/263]``); None without one."""
    pattern = re.compile(r'Epoch\(train\)\s*\[\d+\]\[\s*\d+/(\d+)\]')
    for log in sorted(glob.glob(osp.join(run_dir, '*.log'))):
        with open(log, encoding='utf-8', errors='replace') as f:
            for line in f:
                match = pattern.search(line)
                if match:
                    return int(match.group(1))
    return None


def iteration_schedule(run_dir: str) -> Optional[List[int]]:
    """The iterations after which an iteration-based run validates, from
    the config mmengine saved in the run (``vis_data/config.py``); None
    for an epoch-based run or without the config."""
    path = osp.join(run_dir, 'vis_data', 'config.py')
    if not osp.isfile(path):
        return None
    train_cfg = Config.fromfile(
        path, import_custom_modules=False).get('train_cfg') or {}
    if train_cfg.get('type') != 'IterBasedTrainLoop' and train_cfg.get(
            'by_epoch', True):
        return None
    end, every = train_cfg['max_iters'], train_cfg.get('val_interval', 1000)
    return [
        i for i in range(train_cfg.get('val_begin', 1), end + 1)
        if i % every == 0 or i == end
    ]


def load_scalars(path: str) -> Tuple[Series, Series, bool]:
    """Training and validation series of a ``scalars.json``.

    A training record (one with a learning rate) is at its ``step``, the
    iteration. A validation record's ``step`` is mmengine's stamp: the
    epoch in epoch-based loops, 0 in iteration-based ones (by default;
    the iteration with ``log_metric_by_epoch=False``). The iteration of an
    epoch stamp ``e`` is ``e`` times the epoch length, read from the run's
    text log; that of a 0 stamp comes from the validation schedule of the
    run's saved config (``vis_data/config.py``). When neither is there,
    the validation is put at the last training record before it (up to a
    logging interval early).

    Args:
        path (str): The file.

    Returns:
        tuple: ``train`` and ``val``, each ``{key: (iterations, values)}``,
        and whether every validation's iteration is exact.
    """
    records = read_records(path)
    run_dir = osp.dirname(osp.dirname(path))
    iters_per_epoch = epoch_length(run_dir)
    schedule = iteration_schedule(run_dir)
    train: Series = {}
    val: Series = {}
    last: dict = {}
    num_val, exact = 0, True
    for record in records:
        if 'lr' in record:
            last, series, x = record, train, int(record['step'])
        else:
            stamp, epoch = int(record.get('step', 0)), last.get('epoch')
            if epoch is not None and 1 <= stamp <= epoch and iters_per_epoch:
                x = stamp * iters_per_epoch
            elif stamp > (epoch or 0):
                x = stamp  # stamped with the iteration
            elif epoch is None and schedule and num_val < len(schedule):
                x = schedule[num_val]
            else:
                x, exact = int(last.get('step', 0)), False
            series = val
            num_val += 1
        for key, value in record.items():
            if key in NOT_CURVES or not isinstance(value, (int, float)):
                continue
            xs, ys = series.setdefault(key, ([], []))
            xs.append(x)
            ys.append(float(value))
    return train, val, exact


def pick(series: Series, keys: Optional[Sequence[str]], default) -> List[str]:
    """The keys to plot: ``keys`` (each must exist) or those that
    ``default(key)`` accepts."""
    if keys is None:
        return [k for k in series if default(k)]
    unknown = [k for k in keys if k not in series]
    if unknown:
        raise ValueError(f'{unknown} not logged; logged: {sorted(series)}')
    return list(keys)


def plot_curves(train: Series, val: Series, train_keys: Sequence[str],
                val_keys: Sequence[str], title: str, out: str) -> None:
    """Losses, learning rate and validation metrics, one panel each (the
    panels without data are left out), written to ``out``."""
    panels = [(f'training ({", ".join(train_keys)})', train, train_keys),
              ('learning rate', train, ['lr'] if 'lr' in train else []),
              ('validation', val, val_keys)]
    panels = [p for p in panels if p[2]]
    fig, axes = plt.subplots(
        len(panels),
        1,
        figsize=(8, 3 * len(panels)),
        sharex=True,
        squeeze=False)
    for ax, (name, series, keys) in zip(axes[:, 0], panels):
        for key in keys:
            xs, ys = series[key]
            ax.plot(xs, ys, marker='o' if len(xs) < 30 else None, label=key)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel('iteration')
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    args = parse_args(argv)
    scalars = find_scalars(args.run)
    train, val, exact = load_scalars(scalars)
    train_keys = pick(train, args.train_keys, lambda k: k.startswith('loss'))
    val_keys = pick(val, args.val_keys, DEFAULT_VAL_KEYS.search)
    if not train_keys and not val_keys:
        raise ValueError(f'{scalars}: no loss or validation metric to plot; '
                         f'logged: {sorted(train) + sorted(val)}')
    run_dir = osp.dirname(osp.dirname(osp.abspath(scalars)))
    out = args.out or osp.join(run_dir, 'training_curves.png')
    plot_curves(train, val, train_keys, val_keys, scalars, out)
    if not exact:
        print('note: validation points are at the last logged training '
              'iteration before them (the epoch length or the validation '
              'schedule is not in the run)')
    print(f'Training curves: {osp.abspath(out)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
