"""Full-size SQSNet on a CUDA GPU, next to the paper's Table 3.

EfficientNet-B6 + Swin-S with cross-attention fusion and SQS
(``configs/_base_/models/sqsnet_effb6_swins.py``, 7 classes) at 224 px:

1. Training: images/s and peak memory at batch 64 (16 quads) through
   ``train_step`` (AdamW), with SQS and without SQS (the "w/o SQS"
   ablation), each in fp32 and with AMP (mmengine ``AmpOptimWrapper``,
   float16). Throughput variants run interleaved; peak memory
   (``torch.cuda.max_memory_allocated``, and ``max_memory_reserved``) is
   measured with one model on the GPU at a time. Mixup/CutMix are off so
   that every iteration applies SQS.
2. Inference: latency at batch 1 of the deployed classifier
   (``to_inference_classifier``) in fp32 and under AMP autocast, and of a
   plain MMPretrain classifier with the same backbone, interleaved.

Paper (Table 3, two GPUs, batch 64): 43.5 M params, 8.1 GFLOPs, 18.2 ms,
16.4 h training, 11.2 GB.

One command on a CUDA machine::

    python tools/analysis_tools/gpu_full_size.py --out work_dirs/benchmarks/gpu.json

A CPU smoke test of the code paths (no AMP, tiny model)::

    python tools/analysis_tools/gpu_full_size.py --device cpu --setting tiny \\
        --batch 8 --precisions fp32 --rounds 1 --infer-rounds 2
"""
import argparse
import gc
import json
import os
import os.path as osp
from typing import Dict, List

import torch
from mmengine.optim import AmpOptimWrapper, OptimWrapper

from sqsnet_mm.models import to_inference_classifier
from .builders import (NUM_CLASSES, SETTINGS, build_model, count_params,
                       quad_batch, setting_cfg)
from .inference_cost import plain_cfg
from .sqs_cost import make_step, variant_cfgs
from .timing import (fmt_ms, fmt_ratio, interleaved, markdown, paired_ratio,
                     quartiles)

PAPER = dict(params_m=43.5, gflops=8.1, latency_ms=18.2, memory_gb=11.2)


def optim_wrapper(model: torch.nn.Module, precision: str) -> OptimWrapper:
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=3e-4, weight_decay=1e-5)
    if precision == 'amp':
        return AmpOptimWrapper(optimizer=optimizer, dtype='float16')
    return OptimWrapper(optimizer)


def synchronizer(device: str):
    return torch.cuda.synchronize if device == 'cuda' else (lambda: None)


def train_models(cfg: dict, device: str) -> Dict[str, torch.nn.Module]:
    cfgs = variant_cfgs(cfg)
    return {
        'with SQS': build_model(cfgs['on']).to(device).train(),
        'w/o SQS': build_model(cfgs['off']).to(device).train()
    }


def peak_memory(cfg: dict, data: dict, device: str, precision: str,
                steps: int = 3) -> Dict[str, List[float]]:
    """GiB allocated / reserved at peak, one model on the device at a
    time."""
    out = {}
    for name, cfg_v in variant_cfgs(cfg).items():
        if name not in ('on', 'off'):
            continue
        model = build_model(cfg_v).to(device).train()
        step = make_step(model, data, name == 'on',
                         optim_wrapper(model, precision),
                         synchronizer(device))
        if device == 'cuda':
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        for _ in range(steps):
            step()
        label = 'with SQS' if name == 'on' else 'w/o SQS'
        out[label] = ([
            torch.cuda.max_memory_allocated() / 2**30,
            torch.cuda.max_memory_reserved() / 2**30
        ] if device == 'cuda' else [float('nan')] * 2)
        del model, step
        gc.collect()
    return out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--setting', default='full', choices=SETTINGS)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--device', default='cuda', choices=['cuda', 'cpu'])
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--precisions', nargs='+', default=['fp32', 'amp'],
                        choices=['fp32', 'amp'])
    parser.add_argument('--rounds', type=int, default=20,
                        help='timed training rounds (all variants each)')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--infer-rounds', type=int, default=200)
    parser.add_argument('--out', help='also write the results as JSON')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.device == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('CUDA is not available; this benchmark needs a GPU '
                         '(or --device cpu for a smoke test)')
    if args.device == 'cpu' and 'amp' in args.precisions:
        raise SystemExit('AMP (AmpOptimWrapper) needs a GPU; use '
                         '--precisions fp32 with --device cpu')
    device = args.device
    sync = synchronizer(device)
    torch.backends.cudnn.benchmark = True
    name = (torch.cuda.get_device_name() if device == 'cuda' else 'CPU')
    print(f'{name}, torch {torch.__version__}, setting {args.setting}, '
          f'{args.size} px, batch {args.batch}')
    cfg = setting_cfg(args.setting, args.size)
    data = quad_batch(args.batch // 4 * 4, args.size, NUM_CLASSES)
    results: Dict[str, dict] = dict(device=name, batch=args.batch,
                                    size=args.size, setting=args.setting)

    # training memory, one model at a time
    memory = {p: peak_memory(cfg, data, device, p) for p in args.precisions}
    # training throughput, interleaved
    models = train_models(cfg, device)
    steps = {}
    for p in args.precisions:
        for label, model in models.items():
            steps[f'{label}, {p}'] = make_step(model, data,
                                               label == 'with SQS',
                                               optim_wrapper(model, p), sync)
    t = interleaved(steps, rounds=args.rounds, warmup=args.warmup)
    rows = []
    for p in args.precisions:
        for label in models:
            key = f'{label}, {p}'
            med = quartiles(t[key])[1]
            alloc, reserved = memory[p][label]
            rows.append([
                label, p, fmt_ms(t[key]), f'{args.batch / med:.1f}',
                f'{alloc:.2f}', f'{reserved:.2f}',
                fmt_ratio(paired_ratio(t[key], t[f'w/o SQS, {p}']))
            ])
            results[key] = dict(
                iter_s=t[key], images_per_s=args.batch / med,
                peak_alloc_gib=alloc, peak_reserved_gib=reserved)
    print(markdown([
        'training', 'precision', f'ms / iteration (B={args.batch})',
        'images/s', 'peak alloc. GiB', 'peak reserved GiB',
        'time / w/o SQS'
    ], rows))
    sqs_model = models['with SQS']
    params_train = count_params(sqs_model)
    del models, steps
    gc.collect()

    # inference latency at batch 1
    deployed = to_inference_classifier(sqs_model).to(device).eval()
    plain = build_model(plain_cfg(cfg)).to(device).eval()
    del sqs_model
    one = dict(
        inputs=data['inputs'][:1], data_samples=data['data_samples'][:1])

    def infer(model, amp):
        def run():
            with torch.no_grad(), torch.autocast(
                    device_type=device, dtype=torch.float16, enabled=amp):
                model.test_step(one)
            sync()
        return run

    fns = {'deployed, fp32': infer(deployed, False),
           'plain, fp32': infer(plain, False)}
    if 'amp' in args.precisions:
        fns['deployed, amp'] = infer(deployed, True)
    ti = interleaved(fns, rounds=args.infer_rounds, warmup=10)
    print(markdown(
        ['inference, batch 1', 'latency ms', 'ratio to plain fp32'],
        [[k, fmt_ms(v), fmt_ratio(paired_ratio(v, ti['plain, fp32']))]
         for k, v in ti.items()]))
    results['inference_bs1_s'] = ti
    results['params_train_m'] = params_train / 1e6
    results['params_deployed_m'] = count_params(deployed) / 1e6
    print(f'params: training {params_train / 1e6:.2f} M, deployed '
          f'{count_params(deployed) / 1e6:.2f} M; paper Table 3: {PAPER}')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)

