"""HybridFusionBackbone, SQSClsHead and QuadImageClassifier on tiny inputs."""
import copy

import pytest
import torch
from mmengine.config import Config
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from sqsnet_mm.models import (inference_model_config, inference_state_dict,
                              mine_in_batch, to_inference_classifier)

TINY = 'configs/_base_/models/sqsnet_tiny.py'
PREPROCESS = dict(
    num_classes=7, mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True)
SMALL_CNN = dict(
    type='ResNet',
    depth=18,
    num_stages=3,
    strides=(1, 2, 2),
    dilations=(1, 1, 1),
    out_indices=(2, ))
SMALL_SWIN = dict(
    type='SwinTransformer',
    arch=dict(embed_dims=16, depths=[1, 1], num_heads=[1, 2]),
    img_size=64,
    window_size=4,
    out_indices=(1, ))


def build_tiny(**overrides):
    cfg = Config.fromfile(TINY)
    cfg.model.data_preprocessor = copy.deepcopy(PREPROCESS)
    cfg.merge_from_dict({f'model.{k}': v for k, v in overrides.items()})
    torch.manual_seed(0)
    return MODELS.build(cfg.model)


def batch(labels, size=64, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return dict(
        inputs=[
            torch.randint(0, 256, (3, size, size), generator=gen,
                          dtype=torch.uint8) for _ in labels
        ],
        data_samples=[DataSample().set_gt_label(int(lb)) for lb in labels])


QUADS = [0, 0, 1, 2, 3, 3, 4, 5]


@pytest.mark.parametrize('fusion', ['cross_attention', 'concat'])
def test_backbone_fuses_different_grids(fusion):
    # ResNet stage 3 is stride 16 (4x4 at 64 px), the 2-stage Swin stride 8
    # (8x8): the fused map keeps the local grid.
    bb = MODELS.build(
        dict(
            type='HybridFusionBackbone',
            local=SMALL_CNN,
            global_=SMALL_SWIN,
            embed_dims=32,
            num_heads=4,
            fusion=fusion,
            probe_size=64))
    out = bb(torch.randn(2, 3, 64, 64))
    assert isinstance(out, tuple) and len(out) == 1
    assert out[0].shape == (2, 32, 4, 4)
    out[0].sum().backward()
    assert bb.global_branch.patch_embed.projection.weight.grad.abs().sum() > 0


def test_backbone_branch_switches_and_global_keyword():
    no_cnn = MODELS.build(
        dict(
            type='HybridFusionBackbone',
            local=None,
            global_=SMALL_SWIN,
            embed_dims=32,
            probe_size=64))
    assert no_cnn.local_branch is None and no_cnn.fusion is None
    assert no_cnn(torch.randn(1, 3, 64, 64))[0].shape == (1, 32, 8, 8)
    no_swin = MODELS.build({
        'type': 'HybridFusionBackbone',
        'local': SMALL_CNN,
        'global': None,
        'embed_dims': 32,
        'probe_size': 64
    })
    assert no_swin.global_branch is None
    assert no_swin(torch.randn(1, 3, 64, 64))[0].shape == (1, 32, 4, 4)
    with pytest.raises(ValueError, match='at least one branch'):
        MODELS.build(
            dict(type='HybridFusionBackbone', local=None, global_=None))
    with pytest.raises(ValueError, match='unknown fusion'):
        MODELS.build(
            dict(
                type='HybridFusionBackbone',
                local=SMALL_CNN,
                global_=SMALL_SWIN,
                fusion='sum',
                probe_size=64))


def test_timm_branch_and_inferred_channels():
    bb = MODELS.build(
        dict(
            type='HybridFusionBackbone',
            local=dict(
                type='TIMMBackbone',
                model_name='resnet18',
                features_only=True,
                out_indices=(3, ),
                pretrained=False),
            global_=SMALL_SWIN,
            embed_dims=32,
            num_heads=2,
            probe_size=64))
    assert bb.local_proj.conv.in_channels == 256
    assert bb(torch.randn(2, 3, 64, 64))[0].shape == (2, 32, 4, 4)


def test_quad_loss_terms_and_logging():
    model = build_tiny()
    data = model.data_preprocessor(batch(QUADS), True)
    for sample in data['data_samples']:
        sample.set_metainfo({'batch_mixed': False})
    losses = model(**data, mode='loss')
    assert set(losses) == {
        'loss_cls', 'loss_enhanced', 'loss_kl', 'loss_sqs', 'sqs_active',
        'sqs_anchors', 'sim_ap', 'sim_an'
    }
    assert losses['sqs_active'] == 1 and losses['sqs_anchors'] == 2
    assert all(torch.isfinite(v) for v in losses.values())


def test_sqs_loss_reaches_backbone_and_kl_teacher_is_detached():
    model = build_tiny()
    data = model.data_preprocessor(batch(QUADS), False)
    losses = model.loss(data['inputs'], data['data_samples'])
    losses['loss_sqs'].backward(retain_graph=True)
    local_grad = [
        p.grad for p in model.backbone.local_branch.parameters()
        if p.grad is not None
    ]
    assert local_grad and sum(g.abs().sum() for g in local_grad) > 0
    assert model.head.fc.weight.grad is None

    model.zero_grad(set_to_none=True)
    losses['loss_kl'].backward()
    assert model.head.fc.weight.grad.abs().sum() > 0
    assert model.head.fc_enhanced.weight.grad is None


def test_mixed_batches_skip_sqs():
    model = build_tiny(**{
        'train_cfg':
        dict(augments=[dict(type='Mixup', alpha=0.4)], probs=[1.0])
    })
    data = model.data_preprocessor(batch(QUADS), True)
    assert all(s.metainfo['batch_mixed'] for s in data['data_samples'])
    scores = torch.stack([s.gt_score for s in data['data_samples']])
    assert (scores.max(1).values < 1).any()  # soft targets reached the head
    losses = model(**data, mode='loss')
    assert losses['sqs_active'] == 0 and 'loss_sqs' not in losses

    plain = build_tiny(**{
        'train_cfg': dict(augments=[dict(type='Mixup', alpha=0.4)],
                          probs=[0.0])
    })
    data = plain.data_preprocessor(batch(QUADS), True)
    assert not data['data_samples'][0].metainfo['batch_mixed']
    assert plain(**data, mode='loss')['sqs_active'] == 1


def test_bad_quads_are_rejected_with_reasons():
    model = build_tiny()
    data = model.data_preprocessor(batch(QUADS[:6]), False)
    with pytest.raises(ValueError, match='multiple of 4.*got 6'):
        model.loss(data['inputs'], data['data_samples'])
    data = model.data_preprocessor(batch([0, 1, 2, 3, 4, 4, 5, 6]), False)
    with pytest.raises(ValueError, match='quad 0.*positive has label 1, '
                       'not the anchor label 0'):
        model.loss(data['inputs'], data['data_samples'])
    data = model.data_preprocessor(batch([0, 0, 1, 2, 3, 3, 3, 5]), False)
    with pytest.raises(ValueError, match='quad 1.*negative has the anchor'):
        model.loss(data['inputs'], data['data_samples'])


def test_in_batch_mining():
    torch.manual_seed(0)
    labels = torch.tensor([0, 1, 1, 2, 0, 3, 2, 2])
    a, p, n1, n2 = mine_in_batch(labels)
    assert a.tolist() == [0, 1, 2, 3, 4, 6, 7]  # label 3 has no positive
    assert (labels[p] == labels[a]).all() and (p != a).all()
    assert (labels[n1] != labels[a]).all() and (labels[n2] != labels[a]).all()
    assert (labels[n1] != labels[n2]).all()
    # Only two classes: negative 2 falls back to another image of the class.
    a, p, n1, n2 = mine_in_batch(torch.tensor([0, 0, 1, 1]))
    assert len(a) == 4 and (n1 != n2).all()

    model = build_tiny(**{'head.quad_mode': 'in_batch'})
    data = model.data_preprocessor(batch([0, 1, 1, 2, 0, 3, 2, 2]), False)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert losses['sqs_anchors'] == 7 and losses['sqs_active'] == 1


def test_deployed_model_is_bit_identical(tmp_path):
    model = build_tiny().eval()
    data = batch([0, 1, 2, 3, 4, 5], seed=3)
    expected = model.predict(**model.data_preprocessor(data, False))
    deployed = to_inference_classifier(model).eval()
    assert type(deployed) is ImageClassifier
    assert not any('sqs' in k or 'enhanced' in k
                   for k in deployed.state_dict())
    got = deployed.predict(**deployed.data_preprocessor(data, False))
    for e, g in zip(expected, got):
        assert torch.equal(e.pred_score, g.pred_score)
        assert torch.equal(e.pred_label, g.pred_label)

    # The same through configs + a state dict, as the converter tool does.
    cfg = Config.fromfile(TINY).model
    cfg.data_preprocessor = copy.deepcopy(PREPROCESS)
    rebuilt = MODELS.build(inference_model_config(cfg)).eval()
    rebuilt.load_state_dict(inference_state_dict(model.state_dict()))
    got = rebuilt.predict(**rebuilt.data_preprocessor(data, False))
    for e, g in zip(expected, got):
        assert torch.equal(e.pred_score, g.pred_score)
    tensor_out = model(
        model.data_preprocessor(data, False)['inputs'], mode='tensor')
    assert torch.equal(
        tensor_out,
        rebuilt(rebuilt.data_preprocessor(data, False)['inputs'],
                mode='tensor'))


def test_converter_tool_writes_inference_checkpoint(tmp_path):
    import subprocess
    import sys
    model = build_tiny()
    ckpt = tmp_path / 'sqs.pth'
    torch.save({'state_dict': model.state_dict(),
                'meta': {'dataset_meta': {'classes': list('abcdefg')}}}, ckpt)
    cfg_path = tmp_path / 'train_cfg.py'
    cfg = Config.fromfile(TINY)
    cfg.model.data_preprocessor = copy.deepcopy(PREPROCESS)
    cfg.dump(cfg_path)
    out = subprocess.run([
        sys.executable, 'tools/model_converters/sqs_to_inference.py',
        str(cfg_path),
        str(ckpt),
        str(tmp_path / 'out')
    ],
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert 'dropped' in out.stdout
    inf_cfg = Config.fromfile(tmp_path / 'out' / 'inference_config.py')
    assert inf_cfg.model.type == 'ImageClassifier'
    saved = torch.load(tmp_path / 'out' / 'inference.pth', weights_only=True)
    assert saved['meta']['dataset_meta']['classes'] == list('abcdefg')
    deployed = MODELS.build(inf_cfg.model)
    deployed.load_state_dict(saved['state_dict'])  # strict: keys match


def _quad_losses(model, labels=QUADS):
    model.eval()  # no drop-path draws: models built alike compare exactly
    data = model.data_preprocessor(batch(labels), False)
    return model.loss(data['inputs'], data['data_samples'])


def test_head_owns_every_sqs_setting():
    model = build_tiny(**{'head.sqs.tau': 0.5, 'head.sqs.margin': 0.3})
    assert model.head.sqs.tau == 0.5 and model.head.sqs.margin == 0.3
    off = build_tiny(**{'head.sqs': None})
    assert off.head.fc_enhanced is None and not off.head.with_sqs
    assert set(_quad_losses(off)) == {'loss_cls'}
    with pytest.raises(ValueError, match="sqs_reduction must be one of"):
        build_tiny(**{'head.sqs_reduction': 'batch'})


def test_per_image_reduction_scales_anchor_terms():
    # 2 anchors in 8 images: per image, each SQS term weighs 2 / 8 of the
    # per-anchor mean; the base CE is the same.
    anchor = _quad_losses(build_tiny())
    image = _quad_losses(build_tiny(**{'head.sqs_reduction': 'image'}))
    assert torch.allclose(anchor['loss_cls'], image['loss_cls'])
    for key in ('loss_enhanced', 'loss_kl', 'loss_sqs'):
        assert torch.allclose(image[key], anchor[key] * 2 / 8), key


def test_sqs_warmup_follows_the_runner_iteration():
    from mmengine.logging import MessageHub
    model = build_tiny(**{'head.sqs_warmup': 0.5})
    full = _quad_losses(build_tiny())
    hub = MessageHub.get_instance('sqs_warmup_test')
    hub.update_info('max_iters', 100)
    hub.update_info('iter', 9)  # 10th of 50 warm-up iterations
    ramped = _quad_losses(model)
    assert torch.allclose(ramped['loss_sqs'], full['loss_sqs'] * 0.2)
    hub.update_info('iter', 60)
    assert torch.allclose(_quad_losses(model)['loss_sqs'], full['loss_sqs'])


def test_detached_relation_keeps_enhanced_loss_off_similarities():
    def sim_grad(detach):
        model = build_tiny(**{'head.sqs.detach_relation': detach})
        feats = model.extract_feat(
            model.data_preprocessor(batch(QUADS), False)['inputs'])
        fmap = feats[-1].detach().requires_grad_()
        data = model.data_preprocessor(batch(QUADS), False)
        losses = model.head.loss((fmap, ), data['data_samples'])
        (grad, ) = torch.autograd.grad(losses['loss_enhanced'], fmap)
        return grad
    # Positives and negatives reach the enhanced classifier only through R.
    partners = [1, 2, 3, 5, 6, 7]
    assert sim_grad(False)[partners].abs().sum() > 0
    assert sim_grad(True)[partners].abs().sum() == 0


def test_sqs_on_pooled_features_and_on_the_cnn_map():
    pooled = _quad_losses(build_tiny(**{'head.sqs_input': 'pooled'}))
    assert torch.isfinite(pooled['loss_sqs'])
    model = build_tiny(**{
        'backbone.out_local': True,
        'head.sqs_in_index': 0
    })
    data = model.data_preprocessor(batch(QUADS), False)
    local_map, fused = model.extract_feat(data['inputs'])
    assert local_map.shape == fused.shape
    losses = model.loss(data['inputs'], data['data_samples'])
    losses['loss_sqs'].backward()
    # SQS before fusion: the fusion module gets no gradient from L_SQS.
    assert all(p.grad is None for p in model.backbone.fusion.parameters())
    assert any(p.grad is not None
               for p in model.backbone.local_branch.parameters())
