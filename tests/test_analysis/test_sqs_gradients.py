"""Checks of the per-term gradient diagnostic of SQS
(``sqsnet_mm/analysis/sqs_gradients.py``) on the tiny random model, and
its command line on FERPlus batches (skipped without the data)."""
import json
import math

import pytest
import torch
from mmengine.config import Config

from sqsnet_mm.analysis import sqs_gradients as sg
from sqsnet_mm.analysis.builders import build_model, quad_batch, setting_cfg

ROWS = sg.TERMS + (sg.SQS_SUM, )
FERPLUS_CONFIG = ('configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_'
                  '1xb32-3000it_ferplus-112px.py')


def tiny_model(**head):
    """The tiny SQSNet (random weights, 7 classes) without batch augments,
    with ``head`` overriding head settings."""
    cfg = setting_cfg('tiny', 64)
    cfg['train_cfg'] = None
    cfg['head'].update(head)
    torch.manual_seed(0)
    return build_model(cfg)


def batches(num=2):
    return [quad_batch(8, 64, 7, seed=s) for s in range(num)]


def test_every_term_is_finite_and_loss_cls_matches_itself():
    per_batch, summary = sg.sqs_gradients(tiny_model(), batches())
    assert len(per_batch) == 2
    for target in sg.TARGETS:
        for term in ROWS:
            for metric in sg.METRICS:
                stats = summary[target][term][metric]
                assert stats['n'] == 2, (target, term, metric)
                assert math.isfinite(stats['mean'])
                assert math.isfinite(stats['sd'])
            assert summary[target][term]['norm']['mean'] > 0
            assert -1 <= summary[target][term]['cosine']['mean'] <= 1
        cls = summary[target]['loss_cls']
        assert cls['cosine']['mean'] == pytest.approx(1, abs=1e-5)
        assert cls['ratio']['mean'] == pytest.approx(1)
    for b in per_batch:
        assert set(b['losses']) == set(ROWS)
        assert b['losses'][sg.SQS_SUM] == pytest.approx(
            sum(b['losses'][k] for k in sg.SQS_TERMS))
        assert b['logged']['sqs_active'] == 1


def test_gradients_are_those_of_one_backward_per_term():
    model = tiny_model()
    data = batches(1)[0]
    torch.manual_seed(1)
    result = sg.batch_gradients(model, data)

    params = sg.shared_parameters(model)
    expected = {}
    for terms in (('loss_cls', ), sg.SQS_TERMS):
        torch.manual_seed(1)  # same drop-path draws as above
        batch = model.data_preprocessor(data, True)
        feats = model.extract_feat(batch['inputs'])
        losses = model.head.loss(feats, batch['data_samples'])
        model.zero_grad()
        feats[-1].retain_grad()
        sum(losses[k] for k in terms).backward()
        expected[terms] = (feats[-1].grad.double().norm().item(),
                           torch.cat([
                               torch.zeros(p.numel())
                               if p.grad is None else p.grad.reshape(-1)
                               for p in params
                           ]).double().norm().item())
    for row, terms in (('loss_cls', ('loss_cls', )), (sg.SQS_SUM,
                                                      sg.SQS_TERMS)):
        assert result['map'][row]['norm'] == pytest.approx(
            expected[terms][0], rel=1e-4)
        assert result['params'][row]['norm'] == pytest.approx(
            expected[terms][1], rel=1e-4)


def test_a_term_of_weight_zero_has_zero_gradient():
    per_batch, summary = sg.sqs_gradients(
        tiny_model(kl_weight=0.0), batches(1))
    for target in sg.TARGETS:
        kl = per_batch[0][target]['loss_kl']
        assert kl['norm'] == 0 and kl['ratio'] == 0
        assert math.isnan(kl['cosine'])
        assert summary[target]['loss_kl']['cosine'] == dict(
            mean=None, sd=None, n=0)
        assert per_batch[0][target]['loss_sqs']['norm'] > 0
    assert '| loss_kl |' in sg.gradient_table(summary, 'x')
    json.dumps(sg._json_safe(dict(b=per_batch, s=summary)), allow_nan=False)


def test_mixed_batches_carry_loss_cls_only():
    cfg = setting_cfg('tiny', 64)
    cfg['train_cfg'] = dict(
        augments=[dict(type='Mixup', alpha=0.4)], probs=[1.0])
    per_batch, summary = sg.sqs_gradients(build_model(cfg), batches(1))
    assert set(per_batch[0]['losses']) == {'loss_cls'}
    assert summary['losses']['loss_cls']['n'] == 1
    for term in sg.SQS_TERMS + (sg.SQS_SUM, ):
        assert summary['losses'][term]['n'] == 0
        assert summary['params'][term]['norm']['mean'] is None


def test_table_has_one_row_per_term():
    _, summary = sg.sqs_gradients(tiny_model(), batches())
    lines = sg.gradient_table(summary, 'title').splitlines()
    assert lines[0] == 'title'
    header = lines[2].strip('|').split('|')
    assert [h.strip() for h in header] == [
        'term', 'loss', 'map ‖g‖', 'map ‖g‖ / ‖g_cls‖', 'map cos(g, g_cls)',
        'params ‖g‖', 'params ‖g‖ / ‖g_cls‖', 'params cos(g, g_cls)', 'batches'
    ]
    rows = [ln.strip('|').split('|') for ln in lines[4:4 + len(ROWS)]]
    assert [r[0].strip() for r in rows] == list(ROWS)
    assert all(len(r) == len(header) for r in rows)
    assert all(r[-1].strip() == '2' for r in rows)
    assert '±' in rows[1][2]
    assert rows[0][4].strip().startswith('1.000')


def test_head_without_sqs_is_refused():
    with pytest.raises(ValueError, match='no SQS module'):
        sg.batch_gradients(tiny_model(sqs=None), batches(1)[0])


def test_main_on_ferplus_batches(ferplus_root, tmp_path, capsys):
    out = tmp_path / 'grads.json'
    sg.main([
        FERPLUS_CONFIG, '--batches', '1', '--out',
        str(out), '--cfg-options', 'train_dataloader.batch_size=8',
        f'train_dataloader.dataset.data_root={ferplus_root}'
    ])
    result = json.loads(out.read_text())
    assert result['checkpoint'] is None
    assert len(result['batches']) == 1
    assert result['summary']['params']['loss_cls']['cosine']['mean'] == (
        pytest.approx(1))
    assert '(initial weights): 1 training batch of 8 images' in (
        capsys.readouterr().out)


def test_build_model_loads_a_checkpoint(tmp_path):
    cfg = Config(dict(model=setting_cfg('tiny', 64)))
    torch.manual_seed(1)
    saved = build_model(cfg.model)
    path = tmp_path / 'iter_1.pth'
    torch.save(dict(meta=dict(iter=1), state_dict=saved.state_dict()), path)
    torch.manual_seed(2)
    model = sg.build_model(cfg, str(path), 'cpu')
    for name, value in saved.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], value)
