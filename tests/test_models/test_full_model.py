"""The paper-size SQSNet and its ablations, built from their configs."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from sqsnet_mm.models.utils.deploy import TRAINING_ONLY_PREFIXES

FULL = 'configs/sqsnet/sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py'
ABLATIONS = [
    'configs/sqsnet/sqsnet_swin-small_in1k-pre_8xb8_rafdb.py',
    'configs/sqsnet/sqsnet_efficientnet-b6_in1k-pre_8xb8_rafdb.py',
    'configs/sqsnet/sqsnet_efficientnet-b6-swin-small-wo-sqs_in1k-pre_8xb8_rafdb.py',
]


def build(path, mix=True):
    cfg = Config.fromfile(path)
    if not mix:  # one deterministic unmixed step
        cfg.model.pop('train_cfg')
    cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    torch.manual_seed(0)
    return cfg, MODELS.build(cfg.model)


def test_full_model_forward_224(capsys):
    _, model = build(FULL)
    params = sum(p.numel() for p in model.parameters())
    deployed = params - sum(
        p.numel() for n, p in model.named_parameters()
        if n.startswith(TRAINING_ONLY_PREFIXES))
    with capsys.disabled():
        print(f'\nfull SQSNet parameters: {params / 1e6:.2f} M '
              f'(deployed {deployed / 1e6:.2f} M)')
    bb = model.backbone
    assert type(bb.local_branch).__name__ == 'EfficientNet'
    assert type(bb.global_branch).__name__ == 'SwinTransformer'
    assert bb.local_proj.conv.in_channels == 2304
    assert bb.global_proj.conv.in_channels == 768
    model.eval()
    with torch.no_grad():
        feats = model.extract_feat(torch.randn(2, 3, 224, 224))
        assert feats[-1].shape == (2, 1024, 7, 7)
        logits = model.head(feats)
    assert logits.shape == (2, 7) and torch.isfinite(logits).all()


@pytest.mark.parametrize('path', ABLATIONS)
def test_ablation_builds_and_trains_one_step(path):
    cfg, model = build(path, mix=False)
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    labels = [0, 0, 1, 2]
    data = dict(
        inputs=[
            torch.randint(0, 256, (3, 224, 224), dtype=torch.uint8)
            for _ in labels
        ],
        data_samples=[DataSample().set_gt_label(lb) for lb in labels])
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    log = model.train_step(data, optim)
    assert torch.isfinite(log['loss'])
    assert ('loss_sqs' in log) == model.head.with_sqs
    changed = [n for n, p in model.named_parameters()
               if not torch.equal(before[n], p)]
    assert any(n.startswith('backbone.') for n in changed)
    assert any(n.startswith('head.fc.') for n in changed)
