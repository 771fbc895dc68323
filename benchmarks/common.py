"""Helpers shared by the benchmark scripts: interleaved timing, statistics,
model building and the machine header printed above every result."""
import copy
import datetime
import platform
import random
import time
from typing import Callable, Dict, List, Mapping, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


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


def load_model_cfg(config: str) -> dict:
    """The ``model`` field of a config file, as a plain dict."""
    return Config.fromfile(config).model.to_dict()


def build_model(model_cfg: dict) -> torch.nn.Module:
    """Build a model from the MMPretrain registry (no pretrained download:
    ``init_weights`` is not called, so benchmark weights stay random)."""
    import sqsnet_mm  # noqa: F401  (registers the SQSNet components)
    return MODELS.build(copy.deepcopy(model_cfg))


def count_params(model: torch.nn.Module) -> int:
    """Number of parameters."""
    return sum(p.numel() for p in model.parameters())


def quad_batch(num_quads: int, size: int, num_classes: int,
               seed: int = 0) -> dict:
    """A random uint8 training batch laid out as quads, as a data loader
    with :class:`QuadSampler` delivers it to ``train_step``.

    Quad ``q`` is (anchor, positive, negative 1, negative 2) with classes
    ``(c, c, c + 1, c + 2) mod num_classes``, ``c = q mod num_classes``.
    """
    if num_classes < 3:
        raise ValueError(f'quads need >= 3 classes, got {num_classes}')
    gen = torch.Generator().manual_seed(seed)
    labels = []
    for q in range(num_quads):
        c = q % num_classes
        labels += [c, c, (c + 1) % num_classes, (c + 2) % num_classes]
    inputs = [
        torch.randint(0, 256, (3, size, size), dtype=torch.uint8,
                      generator=gen) for _ in labels
    ]
    samples = [DataSample().set_gt_label(label) for label in labels]
    return dict(inputs=inputs, data_samples=samples)


#: Classes of the benchmark models (RAF-DB's 7).
NUM_CLASSES = 7
#: Model configs of the named benchmark settings.
TINY_CONFIG = 'configs/_base_/models/sqsnet_tiny.py'
FULL_CONFIG = 'configs/_base_/models/sqsnet_effb6_swins.py'
SETTINGS = ('tiny', 'mid', 'full')


def mid_backbone(size: int) -> dict:
    """Mid-size hybrid: MMPretrain's EfficientNet-B2 (1408 channels) and
    Swin-T (768 channels) fused by cross-attention into 512 channels on a
    ``size / 32`` grid (Swin window ``size / 32``: its last stage is one
    window, as 7 is at 224 px)."""
    if size % 32:
        raise ValueError(f'the mid-size model needs a size divisible by 32, '
                         f'got {size}')
    return dict(
        type='HybridFusionBackbone',
        local=dict(type='EfficientNet', arch='b2'),
        global_=dict(
            type='SwinTransformer',
            arch='tiny',
            img_size=size,
            window_size=size // 32),
        embed_dims=512,
        num_heads=8,
        local_channels=1408,
        global_channels=768)


def setting_cfg(setting: str, size: int) -> dict:
    """Model config (SQSNet training model, 7 classes) of a setting.

    Args:
        setting (str): ``'tiny'`` (configs/_base_/models/sqsnet_tiny.py),
            ``'mid'`` (:func:`mid_backbone`) or ``'full'``
            (configs/_base_/models/sqsnet_effb6_swins.py, EfficientNet-B6 +
            Swin-S; its Swin is built for 224 px).
        size (int): Input size (only ``'mid'`` builds for it).

    Returns:
        dict: The model config with 7 classes and an ImageNet-normalising
        data preprocessor (as in the data set configs).
    """
    if setting not in SETTINGS:
        raise ValueError(f'unknown setting {setting!r}; one of {SETTINGS}')
    cfg = load_model_cfg(FULL_CONFIG if setting == 'full' else TINY_CONFIG)
    if setting == 'mid':
        cfg['backbone'] = mid_backbone(size)
        cfg['head']['in_channels'] = 512
    cfg['head']['num_classes'] = NUM_CLASSES
    cfg['data_preprocessor'] = dict(
        num_classes=NUM_CLASSES,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True)
    return cfg
