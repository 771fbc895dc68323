"""Timing and its statistics: variants timed interleaved, per-round paired
ratios, quartiles, Markdown tables and the machine header printed above
every result."""
import datetime
import platform
import random
import resource
import time
from typing import Callable, Dict, List, Mapping, Sequence

import numpy as np
import torch


def machine_header(threads: int) -> str:
    """One line naming the date, CPU, torch threads and library versions."""
    import mmengine
    import mmpretrain
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            names = [ln.split(':', 1)[1].strip() for ln in f
                     if ln.startswith('model name')]
        cpu = f'{names[0]} x{len(names)}' if names else cpu
    except OSError:
        pass
    return (f'{datetime.date.today().isoformat()}, {cpu}, torch '
            f'{torch.__version__} ({threads} thread(s)), mmpretrain '
            f'{mmpretrain.__version__}, mmengine {mmengine.__version__}')


def set_threads(threads: int) -> int:
    """Fix the number of intra-op threads so that runs are comparable."""
    if threads < 1:
        raise ValueError(f'--threads must be >= 1, got {threads}')
    torch.set_num_threads(threads)
    return threads


def interleaved(fns: Mapping[str, Callable[[], object]], rounds: int,
                warmup: int = 2, seed: int = 0) -> Dict[str, List[float]]:
    """Time every function once per round, in a new random order each round.

    Interleaving spreads slow phases of a shared machine over all variants
    instead of charging them to whichever variant ran at that moment.

    Args:
        fns (Mapping[str, Callable]): Variants by name.
        rounds (int): Timed rounds.
        warmup (int): Untimed rounds first (allocator, thread pools).
        seed (int): Seed of the order shuffling.

    Returns:
        dict: Seconds per call of every variant, one entry per round.
    """
    if rounds < 1:
        raise ValueError(f'rounds must be >= 1, got {rounds}')
    order = list(fns)
    rng = random.Random(seed)
    times: Dict[str, List[float]] = {name: [] for name in order}
    for r in range(warmup + rounds):
        rng.shuffle(order)
        for name in order:
            start = time.perf_counter()
            fns[name]()
            elapsed = time.perf_counter() - start
            if r >= warmup:
                times[name].append(elapsed)
    return times


def quartiles(values: Sequence[float]) -> np.ndarray:
    """25th, 50th and 75th percentiles."""
    return np.percentile(np.asarray(values, dtype=float), [25, 50, 75])


def paired_ratio(num: Sequence[float], den: Sequence[float]) -> np.ndarray:
    """Quartiles of the per-round ratios ``num[r] / den[r]``."""
    if len(num) != len(den):
        raise ValueError(f'{len(num)} vs {len(den)} rounds')
    return quartiles(np.asarray(num) / np.asarray(den))


def fmt_ratio(q: np.ndarray, scale: float = 1.0) -> str:
    """``median [q25, q75]`` of a ratio, times ``scale``."""
    q = q * scale
    return f'{q[1]:.3f} [{q[0]:.3f}, {q[2]:.3f}]'


def fmt_ms(values: Sequence[float]) -> str:
    """Median milliseconds with the interquartile range."""
    q = quartiles(values) * 1e3
    return f'{q[1]:.1f} [{q[0]:.1f}, {q[2]:.1f}]'


def markdown(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ['| ' + ' | '.join(headers) + ' |',
             '|' + '|'.join(' --- ' for _ in headers) + '|']
    lines += ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows]
    return '\n'.join(lines)


def timed(fn: Callable[[], object], device: str, iters: int,
          warmup: int) -> List[float]:
    """Seconds per call of ``fn`` over ``iters`` calls after ``warmup``."""
    times = []
    for i in range(warmup + iters):
        if device == 'cuda':
            torch.cuda.synchronize()
        start = time.perf_counter()
        fn()
        if device == 'cuda':
            torch.cuda.synchronize()
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return times


def peak_memory_mib(device: str) -> float:
    if device == 'cuda':
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
