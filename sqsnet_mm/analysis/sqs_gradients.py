"""What each loss term of SQSNet's training does to the features the base
classifier reads.

For ``--batches`` training batches of a config (its own train data
loader, quad sampler and pipeline; its own train-mode forward: data
preprocessor with the batch augments, then ``extract_feat`` and
``head.loss``), one forward per batch and, for each loss term that
:class:`SQSClsHead` returns, weighted as in the config (``loss_cls``;
``loss_enhanced``, ``loss_kl`` and ``loss_sqs``), the gradient with
respect to

- the *map*: the last map of ``extract_feat``, ``(N, C, H, W)``, which the
  base classifier pools (flattened over the batch);
- the *parameters*: every trainable parameter of the backbone (and neck),
  flattened into one vector.

Per term and per target it reports the gradient's norm, that norm over
``loss_cls``'s, and the cosine similarity with ``loss_cls``'s gradient
(negative: the term pulls the shared features against the base classifier);
``sqs_sum`` is the sum of the three SQS terms (the sum of their gradients).
Each figure is the mean and sample standard deviation over the batches.

A term that the head leaves out of a batch (Mixup/CutMix batches carry
``loss_cls`` only, docs/design.md, decision 5) is left out of that batch's
figures; the ``batches`` column counts those that had it. A cosine with a
zero gradient (a term of weight 0, or ``loss_sqs`` on the map when
``sqs_in_index`` puts SQS on an earlier map) is undefined and left out too.
``sqs_warmup`` is taken as complete (no runner, so no iteration).

Reading the map columns: ``loss_sqs`` reaches the map through the L2
normalisation of eq. 6, which scales its gradient at each location by
``1 / max(||f||, eps)``; a location whose features are all (or nearly) zero,
as a ReLU6 map can have, gets a gradient of up to ``1 / eps`` there, which
the activation stops before the parameters. The params columns say what
moves the weights.

Example::

    python tools/analysis_tools/sqs_gradients.py \\
        configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py \\
        --checkpoint work_dirs/.../best_fer_accuracy_iter_4000.pth \\
        --batches 20 --out sqs_gradients.json

Without ``--checkpoint`` the model has the config's initial weights
(``init_weights``: the ImageNet weights of the pretrained configs).
"""
import argparse
import copy
import json
import math
import statistics
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, load_checkpoint, set_random_seed
from mmpretrain.registry import MODELS

from .timing import markdown

#: Loss terms of :class:`SQSClsHead`, the base classifier's first.
TERMS = ('loss_cls', 'loss_enhanced', 'loss_kl', 'loss_sqs')
#: The terms that SQS adds.
SQS_TERMS = TERMS[1:]
#: Row of the sum of the SQS terms.
SQS_SUM = 'sqs_sum'
#: Gradient targets: the map the base classifier pools, the parameters of
#: the shared feature extractor.
TARGETS = ('map', 'params')
METRICS = ('norm', 'ratio', 'cosine')


def shared_parameters(model: torch.nn.Module) -> List[torch.nn.Parameter]:
    """Trainable parameters of the backbone and, if any, the neck: what
    every loss term shares."""
    modules = [model.backbone] + ([model.neck] if model.with_neck else [])
    return [p for m in modules for p in m.parameters() if p.requires_grad]


def _flat_grad(loss: torch.Tensor,
               inputs: Sequence[torch.Tensor]) -> torch.Tensor:
    grads = torch.autograd.grad(
        loss, inputs, retain_graph=True, allow_unused=True)
    return torch.cat([(torch.zeros_like(x) if g is None else g).reshape(-1)
                      for x, g in zip(inputs, grads)])


def _compare(grad: torch.Tensor, ref: torch.Tensor) -> Dict[str, float]:
    grad, ref = grad.double(), ref.double()  # float32 sums drift off 1
    norm, ref_norm = grad.norm().item(), ref.norm().item()
    cosine = math.nan
    if norm > 0 and ref_norm > 0:
        cosine = torch.dot(grad, ref).item() / (norm * ref_norm)
    return dict(
        norm=norm,
        ratio=norm / ref_norm if ref_norm > 0 else math.nan,
        cosine=cosine)


def batch_gradients(model: torch.nn.Module, data: dict) -> dict:
    """Gradients of each loss term of one batch, compared with
    ``loss_cls``'s.

    Args:
        model (torch.nn.Module): A :class:`QuadImageClassifier` (or any
            ``ImageClassifier``) with a :class:`SQSClsHead` that has SQS.
        data (dict): A batch as the data loader delivers it (``inputs``,
            ``data_samples``).

    Returns:
        dict: ``losses`` (term -> value, the terms of this batch and
        ``sqs_sum``), ``logged`` (the head's other scalars: ``sqs_active``,
        ``sim_ap`` ...) and, per target in :data:`TARGETS`, term -> ``norm``,
        ``ratio`` and ``cosine``.
    """
    if not getattr(model.head, 'with_sqs', False):
        raise ValueError(
            f'{type(model.head).__name__} has no SQS module (model.head.sqs '
            'is None or absent): there are no SQS terms to compare')
    model.train()
    data = model.data_preprocessor(data, True)
    feats = model.extract_feat(data['inputs'])
    out = model.head.loss(feats, data['data_samples'])
    terms = {k: out[k] for k in TERMS if k in out}
    inputs = dict(map=[feats[-1]], params=shared_parameters(model))
    ref = {t: _flat_grad(terms['loss_cls'], x) for t, x in inputs.items()}
    result = {t: dict(loss_cls=_compare(g, g)) for t, g in ref.items()}
    result['losses'] = {k: v.item() for k, v in terms.items()}
    result['logged'] = {
        k: v.item()
        for k, v in out.items() if k not in TERMS and v.numel() == 1
    }
    present = [k for k in SQS_TERMS if k in terms]
    if not present:
        return result
    result['losses'][SQS_SUM] = sum(result['losses'][k] for k in present)
    for target, x in inputs.items():
        total = torch.zeros_like(ref[target])
        for k in present:
            grad = _flat_grad(terms[k], x)
            result[target][k] = _compare(grad, ref[target])
            total += grad
        result[target][SQS_SUM] = _compare(total, ref[target])
    return result


def _mean_sd(values: Iterable[float]) -> dict:
    values = [v for v in values if not math.isnan(v)]
    return dict(
        mean=statistics.fmean(values) if values else None,
        sd=statistics.stdev(values) if len(values) > 1 else None,
        n=len(values))


def summarize(batches: Sequence[dict]) -> dict:
    """Mean, sample standard deviation and count over the batches of every
    figure of :func:`batch_gradients` (undefined values left out).

    Returns:
        dict: ``losses`` term -> stats, and per target term -> metric ->
        stats (``mean``, ``sd``, ``n``; ``None`` when undefined).
    """
    rows = TERMS + (SQS_SUM, )
    out = dict(
        losses={
            k: _mean_sd(b['losses'][k] for b in batches if k in b['losses'])
            for k in rows
        })
    for target in TARGETS:
        out[target] = {
            k: {
                m: _mean_sd(b[target][k][m] for b in batches if k in b[target])
                for m in METRICS
            }
            for k in rows
        }
    return out


def _cell(stats: dict, fmt: str) -> str:
    if stats['mean'] is None:
        return 'n/a'
    text = format(stats['mean'], fmt)
    return text if stats['sd'] is None else (
        f'{text} ± {format(stats["sd"], fmt)}')


def gradient_table(summary: dict, title: str) -> str:
    """Markdown table of :func:`summarize`: one row per term and
    ``sqs_sum``, the loss and, for the map and the parameters, norm, ratio to
    ``loss_cls`` and cosine with ``loss_cls``."""
    headers = ['term', 'loss']
    for target in TARGETS:
        headers += [
            f'{target} ‖g‖', f'{target} ‖g‖ / ‖g_cls‖',
            f'{target} cos(g, g_cls)'
        ]
    headers.append('batches')
    rows = []
    for term, loss in summary['losses'].items():
        row = [term, _cell(loss, '.4g')]
        for target in TARGETS:
            stats = summary[target][term]
            row += [
                _cell(stats['norm'], '.3g'),
                _cell(stats['ratio'], '.3g'),
                _cell(stats['cosine'], '.3f')
            ]
        rows.append(row + [loss['n']])
    return '\n'.join([
        title, '',
        markdown(headers, rows), '',
        'mean ± sample sd over batches; map: the last map of extract_feat '
        '(pooled by the base classifier), params: the trainable parameters '
        'of the backbone (and neck); cos < 0: the term pulls against '
        'loss_cls.'
    ])


def sqs_gradients(model: torch.nn.Module,
                  batches: Iterable[dict]) -> Tuple[List[dict], dict]:
    """:func:`batch_gradients` of each batch and their :func:`summarize`."""
    per_batch = [batch_gradients(model, data) for data in batches]
    if not per_batch:
        raise ValueError('no batches to measure')
    return per_batch, summarize(per_batch)


def build_model(cfg: Config, checkpoint: Optional[str],
                device: str) -> torch.nn.Module:
    """The config's training model with its data preprocessor, with the
    weights of ``checkpoint`` (strict) or, without one, its initial
    weights (``init_weights``)."""
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor'):
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    if checkpoint:
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    else:
        model.init_weights()
    return model.to(device)


def train_batches(cfg: Config, num: int, seed: int) -> List[dict]:
    """The first ``num`` batches of the config's train data loader (its
    sampler and pipeline, no workers)."""
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    loader_cfg.update(num_workers=0, persistent_workers=False)
    loader = Runner.build_dataloader(loader_cfg, seed=seed)
    batches = []
    for data in loader:
        batches.append(data)
        if len(batches) == num:
            break
    if len(batches) < num:
        raise ValueError(f'{cfg.filename}: the train data loader gave '
                         f'{len(batches)} batches, {num} asked')
    return batches


def _json_safe(obj):
    """``obj`` with every NaN (an undefined cosine or ratio) as ``None``."""
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Gradient of each SQSNet loss term on the base '
        "classifier's map and the backbone, against loss_cls's.")
    parser.add_argument('config', help='config file with an SQS head')
    parser.add_argument(
        '--checkpoint',
        help='weights (default: the config\'s initial weights)')
    parser.add_argument(
        '--batches',
        type=int,
        default=10,
        help='training batches to measure (default 10)')
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the sampler, the pipeline, the batch augments, '
        'dropout and the initial classifiers')
    parser.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    parser.add_argument('--out', help='also write the results as JSON')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, as in tools/train.py')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.batches < 1:
        raise ValueError(f'--batches must be >= 1, got {args.batches}')
    import sqsnet_mm  # noqa: F401  (registers the SQSNet components)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    set_random_seed(args.seed)  # Python, NumPy (pipeline) and torch
    model = build_model(cfg, args.checkpoint, args.device)
    batches = train_batches(cfg, args.batches, args.seed)
    per_batch, summary = sqs_gradients(model, batches)
    weights = args.checkpoint or 'initial weights'
    title = (f'{args.config} ({weights}): {len(per_batch)} training '
             f'batch{"es" if len(per_batch) > 1 else ""} of '
             f'{len(batches[0]["inputs"])} images, seed {args.seed}')
    print(gradient_table(summary, title))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(
                _json_safe(
                    dict(
                        config=args.config,
                        checkpoint=args.checkpoint,
                        cfg_options=args.cfg_options,
                        seed=args.seed,
                        summary=summary,
                        batches=per_batch)),
                f,
                indent=2,
                ensure_ascii=False,
                allow_nan=False)
    return 0
