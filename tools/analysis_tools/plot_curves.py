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

Training records (those with a learning rate) are plotted against their
iteration (``step``). A validation record is placed at the iteration of
the last training record before it: mmengine stamps it with the epoch
(epoch-based loops) or 0 (iteration-based loops with the default
``log_metric_by_epoch``), and both run validation right after that
iteration.
"""
import argparse
import glob
import json
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import matplotlib

matplotlib.use('Agg')  # written to a file, no display needed
import matplotlib.pyplot as plt  # noqa: E402

#: Validation metrics plotted when ``--val-keys`` is not given.
DEFAULT_VAL_KEYS = re.compile(r'(^|/)(accuracy|balanced_accuracy|macro_f1|'
                              r'top\d+)$')
#: Logged values that are not training curves.
NOT_CURVES = ('step', 'iter', 'epoch', 'time', 'data_time', 'memory')

Series = Dict[str, Tuple[List[int], List[float]]]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n', 1)[1])
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
        if load_scalars(path)[0]:
            return path
    raise FileNotFoundError(
        f'no training scalars in {run}: looked for {run}/vis_data/'
        f'scalars.json and {run}/<timestamp>/vis_data/scalars.json with '
        f'training records ({len(candidates)} found without); the config '
        "needs vis_backends=[dict(type='LocalVisBackend')]")


def load_scalars(path: str) -> Tuple[Series, Series]:
    """Training and validation series of a ``scalars.json``.

    Args:
        path (str): The file.

    Returns:
        tuple: ``train`` and ``val``, each ``{key: (iterations, values)}``.

    Raises:
        ValueError: If a line is not a JSON object (file and line named).
    """
    train: Series = {}
    val: Series = {}
    last_step = 0
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
            is_train = 'lr' in record
            if is_train:
                last_step = int(record['step'])
            series = train if is_train else val
            for key, value in record.items():
                if key in NOT_CURVES or not isinstance(value, (int, float)):
                    continue
                xs, ys = series.setdefault(key, ([], []))
                xs.append(last_step)
                ys.append(float(value))
    return train, val


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
    train, val = load_scalars(scalars)
    train_keys = pick(train, args.train_keys, lambda k: k.startswith('loss'))
    val_keys = pick(val, args.val_keys, DEFAULT_VAL_KEYS.search)
    if not train_keys and not val_keys:
        raise ValueError(f'{scalars}: no loss or validation metric to plot; '
                         f'logged: {sorted(train) + sorted(val)}')
    run_dir = osp.dirname(osp.dirname(osp.abspath(scalars)))
    out = args.out or osp.join(run_dir, 'training_curves.png')
    plot_curves(train, val, train_keys, val_keys, scalars, out)
    print(f'Training curves: {out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
