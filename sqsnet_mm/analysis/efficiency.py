"""Efficiency of any config (paper Table 3): parameters, FLOPs, inference
latency at batch 1, throughput at a larger batch, training step time and
peak memory, on the CPU and, when there is one, on a CUDA GPU.

Example::

    python tools/analysis_tools/efficiency.py \\
        configs/sqsnet/sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py \\
        --batch-size 32

The model is built from the config with random weights (pretrained
``init_cfg`` is not applied: timing does not depend on the values). For a
SQSNet model (``QuadImageClassifier``) the inference numbers are those of
the deployed classifier (``to_inference_classifier``: backbone + pooling +
base classifier, no SQS), the training numbers those of the full model with
SQS, its batch augments and the config's optimizer. FLOPs are counted by
mmengine's ``FlopAnalyzer`` (fvcore's counter) with a handle added for
``scaled_dot_product_attention``, which it does not count by itself: one
multiply-add counts as one FLOP. CPU memory is the peak resident set size
of the process (``ru_maxrss``), GPU memory ``torch.cuda.max_memory_allocated``.
"""
import argparse
import json
import statistics
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape
from mmengine.config import Config, DictAction
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

import sqsnet_mm  # noqa: F401
from .builders import build_models, input_shape, quad_batch
from .timing import peak_memory_mib, timed


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Parameters, FLOPs, latency, throughput, training step '
        'time and peak memory of a config.')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--shape', type=int, nargs=2, metavar=('H', 'W'),
        help='input size (default: the size the test pipeline resizes or '
        'crops to)')
    parser.add_argument(
        '--batch-size', type=int, default=32,
        help='batch for throughput and the training step (default 32; a '
        'multiple of 4 for quad sampling)')
    parser.add_argument(
        '--devices', nargs='+', default=None, choices=['cpu', 'cuda'],
        help='default: cpu, and cuda when available')
    parser.add_argument('--iters', type=int, default=10,
                        help='timed iterations per measurement')
    parser.add_argument('--warmup', type=int, default=3,
                        help='untimed iterations first')
    parser.add_argument('--threads', type=int, default=None,
                        help='torch CPU threads (default: torch\'s)')
    parser.add_argument('--out', help='also write the results as JSON')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, as in tools/train.py')
    return parser.parse_args(argv)


def measure(model: torch.nn.Module, deployed: torch.nn.Module, cfg: Config,
            shape: Tuple[int, int], batch: int, device: str, iters: int,
            warmup: int) -> Dict[str, float]:
    """All timings and memory on one device."""
    model.to(device)
    deployed.to(device)
    if device == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    out: Dict[str, float] = {}
    with torch.no_grad():
        for n, key in ((1, 'latency_bs1_ms'), (batch, 'throughput_img_s')):
            x = torch.randn(n, 3, *shape, device=device)
            times = timed(lambda: deployed(x, mode='tensor'), device, iters,
                          warmup)
            out[key] = (
                statistics.median(times) * 1000 if n == 1 else n /
                statistics.median(times))
    out['inference_peak_mem_mib'] = peak_memory_mib(device)

    model.train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    data = quad_batch(batch, shape, model.head.num_classes)
    times = timed(lambda: model.train_step(data, optim_wrapper), device,
                  max(iters // 2, 1), max(warmup // 2, 1))
    out['train_step_s'] = statistics.median(times)
    out['train_peak_mem_mib'] = peak_memory_mib(device)
    return out


def sdpa_flop_jit(inputs, outputs) -> int:
    """Multiply-adds of ``scaled_dot_product_attention(q, k, v)``:
    ``q k^T`` (L x S x E per head) plus ``attn v`` (L x S x Ev per head)."""
    q, k, v = (get_shape(x) for x in inputs[:3])
    batch_heads = 1
    for d in q[:-2]:
        batch_heads *= d
    length, dim = q[-2:]
    return batch_heads * length * k[-2] * (dim + v[-1])


def complexity(model: torch.nn.Module, deployed: torch.nn.Module,
               shape: Tuple[int, int]) -> Dict[str, float]:
    """Parameters of the training and the deployed model, FLOPs of the
    deployed model at batch 1."""

    class Tensor(torch.nn.Module):
        """``model(x)`` in ``tensor`` mode, for the FLOP counter."""

        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            return self.net(x, mode='tensor')

    analyzer = FlopAnalyzer(Tensor(deployed), torch.randn(1, 3, *shape))
    analyzer.set_op_handle('aten::scaled_dot_product_attention',
                           sdpa_flop_jit)
    analyzer.uncalled_modules_warnings(False)
    return dict(
        params_train_m=sum(p.numel() for p in model.parameters()) / 1e6,
        params_deployed_m=sum(p.numel()
                              for p in deployed.parameters()) / 1e6,
        gflops_deployed=analyzer.total() / 1e9)


def efficiency_table(config: str, shape, batch: int, comp: Dict[str, float],
                     per_device: Dict[str, Dict[str, float]],
                     baseline_mib: float) -> str:
    """The Markdown table printed by :func:`main`."""
    lines = [
        f'{config} at {shape[0]}x{shape[1]}, batch {batch}', '',
        '| measure | ' + ' | '.join(per_device) + ' |',
        '| --- |' + ' ---: |' * len(per_device),
        '| params, training model (M) | ' +
        ' | '.join(f'{comp["params_train_m"]:.2f}' for _ in per_device) +
        ' |',
        '| params, deployed model (M) | ' +
        ' | '.join(f'{comp["params_deployed_m"]:.2f}' for _ in per_device) +
        ' |',
        '| GFLOPs, deployed, batch 1 | ' +
        ' | '.join(f'{comp["gflops_deployed"]:.3f}' for _ in per_device) +
        ' |'
    ]
    rows = [('latency, batch 1 (ms)', 'latency_bs1_ms', '.2f'),
            (f'throughput, batch {batch} (img/s)', 'throughput_img_s', '.1f'),
            ('inference peak memory (MiB)', 'inference_peak_mem_mib', '.0f'),
            (f'training step, batch {batch} (s)', 'train_step_s', '.3f'),
            ('training peak memory (MiB)', 'train_peak_mem_mib', '.0f')]
    for title, key, fmt in rows:
        lines.append(f'| {title} | ' + ' | '.join(
            format(m[key], fmt) for m in per_device.values()) + ' |')
    lines.append('')
    lines.append('CPU memory: peak resident set of the whole process '
                 f'({baseline_mib:.0f} MiB before the model was built); GPU '
                 'memory: peak allocated by torch.')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    if args.threads:
        torch.set_num_threads(args.threads)
    shape = tuple(args.shape) if args.shape else input_shape(cfg)
    devices = args.devices or (['cpu', 'cuda']
                               if torch.cuda.is_available() else ['cpu'])
    if 'cuda' in devices and not torch.cuda.is_available():
        raise RuntimeError('--devices cuda given but CUDA is not available')
    torch.manual_seed(0)
    baseline_mib = peak_memory_mib('cpu')
    model, deployed = build_models(cfg)
    comp = complexity(model, deployed, shape)
    per_device = {
        device: measure(model, deployed, cfg, shape, args.batch_size, device,
                        args.iters, args.warmup)
        for device in devices
    }
    table = efficiency_table(args.config, shape, args.batch_size, comp,
                             per_device, baseline_mib)
    print(table)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(
                dict(
                    config=args.config,
                    shape=shape,
                    batch_size=args.batch_size,
                    **comp,
                    cpu_baseline_mem_mib=baseline_mib,
                    devices=per_device),
                f,
                indent=2)
    return 0

