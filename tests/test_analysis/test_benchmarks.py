"""Checks of the benchmark code in ``sqsnet_mm/analysis/`` (what it
measures, never how fast)."""
import argparse
import json

import numpy as np
import pytest
import torch
from mmengine.config import Config, DictAction

from sqsnet_mm.analysis import (ckplus_accuracy, complexity, data_path,
                                train_speed)
from sqsnet_mm.analysis.builders import (build_model, count_params, quad_batch,
                                         setting_cfg)
from sqsnet_mm.analysis.experiments import parse_cfg_options
from sqsnet_mm.analysis.inference_cost import plain_cfg
from sqsnet_mm.analysis.sqs_cost import build_variant, variant_cfgs
from sqsnet_mm.analysis.timing import interleaved, paired_ratio
from sqsnet_mm.datasets.synthetic import generate_synthetic_fer
from sqsnet_mm.engine.hooks.channels_last_hook import to_channels_last
from sqsnet_mm.models import hard_labels, split_quads, to_inference_classifier

CK_CONFIGS = list(ckplus_accuracy.CONFIGS.values())


def test_interleaved_runs_every_variant_each_round():
    calls = []
    times = interleaved({k: (lambda k=k: calls.append(k))
                         for k in 'abc'}, rounds=4, warmup=2)
    assert sorted(times) == ['a', 'b', 'c']
    assert all(len(v) == 4 for v in times.values())
    assert sorted(calls) == sorted(list('abc') * 6)
    with pytest.raises(ValueError, match='rounds'):
        interleaved({'a': lambda: None}, rounds=0)


def test_paired_ratio_is_per_round():
    q = paired_ratio([2.0, 4.0, 9.0], [1.0, 4.0, 3.0])
    np.testing.assert_allclose(q, np.percentile([2.0, 1.0, 3.0],
                                                [25, 50, 75]))
    with pytest.raises(ValueError):
        paired_ratio([1.0], [1.0, 2.0])


def test_quad_batch_is_valid_quads():
    data = quad_batch(36, 16, 7)
    assert len(data['inputs']) == 36
    assert data['inputs'][0].shape == (3, 16, 16)
    anchors, *_ = split_quads(hard_labels(data['data_samples']))
    assert anchors.tolist() == list(range(0, 36, 4))
    # a batch that is not a multiple of 4 is filled with class 0
    data = quad_batch(6, (8, 12), 7)
    assert [int(s.gt_label) for s in data['data_samples']] == [0, 0, 1, 2, 0, 0]
    assert data['inputs'][5].shape == (3, 8, 12)


def test_variants_differ_only_in_sqs():
    cfgs = variant_cfgs(setting_cfg('tiny', 64))
    assert cfgs['off']['head']['sqs'] is None
    assert cfgs['on']['head']['sqs']['type'] == 'SpatialQuadSimilarity'
    assert cfgs['in_batch']['head']['quad_mode'] == 'in_batch'
    assert all(c['train_cfg'] is None for c in cfgs.values())
    assert all(c['backbone'] == cfgs['on']['backbone']
               for c in cfgs.values())


def test_naive_reading_trains_anchors_only():
    torch.manual_seed(0)
    model = build_variant('naive', variant_cfgs(setting_cfg('tiny',
                                                            64))['naive'])
    model.eval()
    data = model.data_preprocessor(quad_batch(8, 64, 7), True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert {'loss_cls', 'loss_enhanced', 'loss_kl', 'loss_sqs'} <= set(losses)
    feature = model.extract_feat(data['inputs'])[-1]
    anchor_samples = [data['data_samples'][i] for i in (0, 4)]
    on_anchors = model.head._get_loss(
        model.head((feature[[0, 4]], )), anchor_samples)['loss']
    on_all = model.head._get_loss(
        model.head((feature, )), data['data_samples'])['loss']
    torch.testing.assert_close(losses['loss_cls'], on_anchors)
    assert not torch.allclose(losses['loss_cls'], on_all)


def test_plain_classifier_matches_deployed_structure():
    cfg = setting_cfg('tiny', 64)
    deployed = to_inference_classifier(build_model(cfg))
    plain = build_model(plain_cfg(cfg))
    assert count_params(deployed) == count_params(plain)
    assert set(deployed.state_dict()) == set(plain.state_dict())


def test_sampler_rows_count_indices():
    rows = data_path.sampler_rows(num_labels=2000, num_classes=8, repeats=1)
    by_name = {r[0]: r for r in rows}
    assert set(by_name) == {'quad', 'quad_balanced', 'default'}
    assert by_name['quad'][2] == '8,000'
    assert by_name['default'][2] == '2,000'


def test_ckplus_configs_share_data_and_budget():
    cfgs = [Config.fromfile(c) for c in CK_CONFIGS]
    for key in ('train_cfg', 'param_scheduler', 'optim_wrapper',
                'test_dataloader', 'data_preprocessor'):
        assert all(c[key] == cfgs[0][key] for c in cfgs), key
    for c in cfgs:
        loader = c.train_dataloader
        assert loader.dataset == cfgs[0].train_dataloader.dataset
        assert loader.batch_size == cfgs[0].train_dataloader.batch_size
        # validation only at the end: nothing is chosen on the test fold
        assert c.train_cfg.val_interval == c.train_cfg.max_iters
        assert loader.dataset.subject_regex
    samplers = [c.train_dataloader.sampler.type for c in cfgs]
    assert samplers == ['QuadSampler', 'DefaultSampler', 'DefaultSampler']
    assert cfgs[1].model.head.sqs is None
    assert cfgs[2].model.type == 'ImageClassifier'


def test_ckplus_command_overrides():

    class Args:
        seeds = [0, 1]
        folds = 3
        work_dir = 'w'
        iters = None
        data_root = 'd'

    cmd = ckplus_accuracy.seeds_argv('c.py', Args, compare='e.py', out='o')
    assert cmd[cmd.index('--folds') + 1] == '3'
    assert cmd[cmd.index('--compare') + 1] == 'e.py'
    options = cmd[cmd.index('--cfg-options') + 1:]
    assert 'test_dataloader.dataset.data_root=d' in options
    Args.iters = 7
    cmd = ckplus_accuracy.seeds_argv(CK_CONFIGS[0], Args)
    assert cmd.count('--cfg-options') == 1
    assert 'train_cfg.max_iters=7' in cmd
    assert 'train_dataloader.dataset.data_root=d' in cmd


def test_ckplus_iters_override_rescales_the_schedule():

    class Args:
        seeds = [0]
        folds = 3
        work_dir = 'w'
        iters = 40
        data_root = None

    cmd = ckplus_accuracy.seeds_argv(CK_CONFIGS[0], Args)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    options = parser.parse_args(cmd[cmd.index('--cfg-options'):]).cfg_options
    cfg = Config.fromfile(CK_CONFIGS[0])
    cfg.merge_from_dict(options)
    warmup, cosine = cfg.param_scheduler
    assert (warmup.begin, warmup.end) == (0, 4)
    assert (cosine.begin, cosine.end, cosine.T_max) == (4, 40, 36)
    assert cfg.train_cfg.max_iters == cfg.train_cfg.val_interval == 40


def test_complexity_row_of_tiny_config():
    row = complexity.config_row(
        'configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py')
    assert row[1] == '64x64'
    assert row[2] == 'CNN+Swin' and row[3] == 'yes'
    train, deployed, gflops = map(float, row[4:7])
    assert 0 < deployed < train and gflops > 0


TINY = 'configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py'
#: The tiny model and its pipelines at 32 px (the Swin's 2 x 2 last map is
#: one window of 2).
TINY_32PX = [
    'model.backbone.global_.img_size=32',
    'model.backbone.global_.window_size=2',
    'train_dataloader.dataset.pipeline.1.scale=32',
    'test_dataloader.dataset.pipeline.1.scale=32'
]


def test_train_speed_times_every_variant_and_the_loader(tmp_path, capsys):
    root = str(tmp_path / 'faces')
    generate_synthetic_fer(root, num_train=28, num_test=7, size=32)
    out = tmp_path / 'speed.json'
    assert train_speed.main([
        TINY, '--batch-size', '8', '--rounds', '2', '--warmup', '1',
        '--threads', '1', '--loader', '--workers', '0', '1',
        '--loader-batches', '2', '--out', str(out), '--cfg-options',
        *TINY_32PX, f'train_dataloader.dataset.data_root={root}'
    ]) == 0
    result = json.loads(out.read_text())
    assert result['shape'] == [32, 32] and result['batch_size'] == 8
    assert list(result['times']) == list(train_speed.VARIANTS)
    assert all(len(t) == 2 and min(t) > 0 for t in result['times'].values())
    assert result['compile_s'] == {}
    assert [r['workers'] for r in result['loader']] == [0, 1]
    assert all(r['loader_img_s'] > 0 and r['end_to_end_s_iter'] > 0
               for r in result['loader'])
    printed = capsys.readouterr().out
    # mmengine's log lines may come first
    assert printed.index(result['header']) < printed.index('| variant |')
    assert '(1 thread(s))' in result['header']
    lines = printed.split('\n')
    for variant in train_speed.VARIANTS:
        row = next(ln for ln in lines if ln.startswith(f'| {variant} |'))
        assert len(row.split('|')) == 6
    fp32 = next(ln for ln in lines if ln.startswith('| fp32 |'))
    assert '| 1.000 [1.000, 1.000] |' in fp32
    assert 'training step at 32x32, batch 8, 2 interleaved rounds' in printed
    assert [ln.split('|')[1].strip() for ln in lines
            if ln.startswith('| 0 |') or ln.startswith('| 1 |')] == ['0', '1']


def test_train_speed_times_compilation_apart():
    calls = dict(fp32=0, compile=0)

    def step(name):
        def run(data):
            assert data == 'batch'
            calls[name] += 1
        return run

    times, compile_s = train_speed.time_variants(
        {name: step(name) for name in calls}, 'batch', rounds=3, warmup=1)
    assert list(compile_s) == ['compile'] and compile_s['compile'] >= 0
    assert calls == dict(fp32=4, compile=5)  # the first call apart
    assert [len(t) for t in times.values()] == [3, 3]


def test_train_speed_channels_last_variants_convert_as_the_hook(
        monkeypatch):
    cfg = Config.fromfile(TINY)
    cfg.merge_from_dict(parse_cfg_options(TINY_32PX))
    converted = []

    def spy(model):
        converted.append(model)
        to_channels_last(model)

    monkeypatch.setattr(train_speed, 'to_channels_last', spy)
    steps = {v: train_speed.variant_step(cfg, v)
             for v in train_speed.VARIANTS}
    assert len(converted) == 2  # channels_last and channels_last+bf16
    for model in converted:
        assert all(p.is_contiguous(memory_format=torch.channels_last)
                   for p in model.parameters() if p.dim() == 4)
        assert model.training
    steps['channels_last+bf16'](quad_batch(4, 32, 7))
    with pytest.raises(ValueError, match='unknown variant'):
        train_speed.variant_step(cfg, 'fp16')


def test_train_speed_loader_needs_enough_batches(tmp_path):
    root = str(tmp_path / 'faces')
    generate_synthetic_fer(root, num_train=14, num_test=7, size=32)
    cfg = Config.fromfile(TINY)
    cfg.train_dataloader.dataset.data_root = root
    cfg.train_dataloader.sampler.num_anchors = 2  # 8 images: one batch
    with pytest.raises(ValueError, match='has 1 batches of 8'):
        train_speed.time_loader(cfg, 0, 2, 8, lambda data: None)
    with pytest.raises(SystemExit):
        train_speed.parse_args([TINY, '--rounds', '0'])
