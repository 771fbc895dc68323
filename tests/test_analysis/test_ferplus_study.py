"""The FERPlus study's runs, configs and reports, without training."""
import csv
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS, TRANSFORMS
from scipy import stats

import sqsnet_mm  # noqa: F401
from sqsnet_mm.analysis import ferplus_study as study
from sqsnet_mm.analysis.runs import build_cfg

from ..utils import REPO_ROOT

SIZE_KEYS = ('train_dataloader.dataset.pipeline.1.scale',
             'val_dataloader.dataset.pipeline.1.scale',
             'test_dataloader.dataset.pipeline.1.scale')


def test_size_options():
    assert study.size_options(96) == dict.fromkeys(SIZE_KEYS, 96)
    assert study.size_options(
        64, hybrid=True) == {
            **dict.fromkeys(SIZE_KEYS, 64), 'model.backbone.global_.img_size':
            64
        }


def test_make_run_scores_on_its_split_and_writes_predictions():
    run = study.make_run('trials/a', 'hybrid', 300, 2, 'val', 'w',
                         {'optim_wrapper.optimizer.lr': 3e-3}, 'd')
    assert run['name'] == 'trials/a/300it/val'
    assert run['config'] == study.CONFIGS['hybrid']
    assert (run['iters'], run['seed'], run['data_root']) == (300, 2, 'd')
    assert run['work_dir'] == 'w/trials/a/300it/seed2'
    assert run['options'] == {
        'optim_wrapper.optimizer.lr': 3e-3,
        'test_dataloader.dataset.split': 'val',
        'test_evaluator.out_dir': 'w/trials/a/300it/seed2'
    }
    # the same run scored on the test split: another name, same work_dir
    test = study.make_run('trials/a', 'hybrid', 300, 2, 'test', 'w')
    assert test['name'] == 'trials/a/300it/test'
    assert test['options']['test_dataloader.dataset.split'] == 'test'
    assert test['data_root'] is None


def test_make_run_config_tests_on_the_split(tmp_path):
    work_root = str(tmp_path)
    cfg = build_cfg(
        study.make_run('x', 'lite0', 40, 0, 'val', work_root, data_root='r'))
    assert cfg.test_dataloader.dataset.split == 'val'
    assert cfg.test_evaluator.out_dir == cfg.work_dir == osp.join(
        work_root, 'x', '40it', 'seed0')
    assert cfg.train_dataloader.dataset.split == 'train'
    assert all(cfg[loader].dataset.data_root == 'r'
               for loader in ('train_dataloader', 'test_dataloader'))
    assert cfg.train_cfg.max_iters == 40
    assert cfg.val_dataloader is None  # tested once at the end


def test_sqs_run_picks_the_config_of_the_variant():
    off = study.sqs_run('off', 900, 1, 'test', 'w', 96, 'd')
    assert off['config'] == study.CONFIGS['lite0_off']
    assert 'wo-sqs' in off['config']
    assert off['name'] == 'sqs/96px/off/900it/test'
    assert off['options']['train_dataloader.dataset.pipeline.1.scale'] == 96
    for variant in ('image+detach', 'enhanced+kl-only', 'sqs-loss-only'):
        run = study.sqs_run(variant, 900, 1, 'val', 'w', 112, None)
        assert run['config'] == study.CONFIGS['lite0']
        assert 'wo-sqs' not in run['config']
        assert run['name'] == f'sqs/112px/{variant}/900it/val'
        for key, value in study.SQS_VARIANTS[variant].items():
            assert run['options'][key] == value
    only = study.sqs_run('sqs-loss-only', 900, 1, 'val', 'w', 112, None)
    assert only['options']['model.head.kl_weight'] == 0.0
    assert only['options']['model.head.enhanced_loss_weight'] == 0.0


def test_configs_exist():
    assert set(study.CONFIGS) == {'lite0', 'lite0_off', 'hybrid', 'hybrid_off'}
    for path in study.CONFIGS.values():
        assert osp.isfile(osp.join(REPO_ROOT, path)), path


def _check_run_builds(run, size):
    cfg = Config.fromfile(osp.join(REPO_ROOT, run['config']))
    cfg.merge_from_dict(run['options'])
    pipelines = [
        cfg[f'{loader}_dataloader'].dataset.pipeline
        for loader in ('train', 'val', 'test')
    ]
    assert [p[1].scale for p in pipelines] == [size] * 3
    for pipeline in pipelines:
        for step in pipeline:
            TRANSFORMS.build(step)
    model = MODELS.build(cfg.model)  # random weights: no init_weights()
    assert model.head.num_classes == 8
    return cfg, model


@pytest.mark.parametrize('name', list(study.TRIALS))
def test_trials_build(name):
    init_default_scope('mmpretrain')
    spec = study.TRIALS[name]
    assert spec['config'] in study.CONFIGS and spec['iters'] > 0
    run = study.make_run(f'trials/{name}', spec['config'], spec['iters'], 0,
                         'val', 'w', spec['options'])
    size = spec['options'][SIZE_KEYS[0]]
    cfg, model = _check_run_builds(run, size)
    assert cfg.model.head.sqs is None  # recipe trials are without SQS
    if spec['config'].startswith('hybrid'):
        assert cfg.model.backbone.global_.img_size == size
    if name.endswith('erasing'):
        types = [s.type for s in cfg.train_dataloader.dataset.pipeline]
        assert 'RandomErasing' in types
    if name.endswith('probability'):
        assert cfg.train_dataloader.dataset.label_mode == 'probability'
    lite = name.split('-')[0]
    if lite != 'hybrid':
        assert model.backbone.timm_model.default_cfg[
            'architecture'] == f'tf_efficientnet_{lite}'
        assert cfg.model.backbone.init_cfg.checkpoint == (
            f'efficientnet-lite://{lite}')
    if name.endswith('mixup'):
        augment = model.data_preprocessor.batch_augments.augment
        assert [type(a).__name__ for a in augment.augments] == [
            'Mixup', 'NoneType']
        assert augment.probs == [0.5, 0.5]  # Mixup or unmixed


@pytest.mark.parametrize('variant', list(study.SQS_VARIANTS))
def test_sqs_variants_build(variant):
    init_default_scope('mmpretrain')
    cfg, model = _check_run_builds(
        study.sqs_run(variant, 900, 0, 'val', 'w', 96, None), 96)
    assert (cfg.model.head.sqs is None) == (variant == 'off')
    assert (model.head.sqs is None) == (variant == 'off')


def _record(tmp_path, name, seed, acc, rows, macro_f1=50.0, seconds=90):
    """A run record whose work_dir holds ``rows`` (img_path, gt, pred) as
    fer_predictions.csv."""
    work_dir = tmp_path / name.replace('/', '_') / f'seed{seed}'
    work_dir.mkdir(parents=True)
    with open(work_dir / 'fer_predictions.csv', 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['img_path', 'gt_label', 'pred_label'])
        writer.writerows(rows)
    return dict(
        name=name,
        seed=seed,
        work_dir=str(work_dir),
        seconds=seconds,
        metrics={
            'fer/accuracy': acc,
            'fer/macro_f1': macro_f1
        })


def _rows(correct):
    """Rows of images a, b, ... with ground truth 1, predicted 1 where
    ``correct``, else 0."""
    return [(f'{chr(97 + i)}.png', 1, 1 if ok else 0)
            for i, ok in enumerate(correct)]


def test_paired_report_counts_discordant_images(tmp_path):
    # seed 0: SQS alone right on c, d, e; off alone right on f
    off0 = _record(tmp_path, 'off', 0, 50.0, _rows([1, 1, 0, 0, 0, 1, 0, 1]))
    sqs0 = _record(tmp_path, 'sqs', 0, 62.5,
                   _rows([1, 1, 1, 1, 1, 0, 0, 1])[::-1])  # another order
    # seed 1: both right on the same images
    off1 = _record(tmp_path, 'off', 1, 60.0, _rows([1, 0, 1, 0]))
    sqs1 = _record(tmp_path, 'sqs', 1, 60.5, _rows([1, 0, 1, 0]))
    # an SQS run without an off run of its seed is left out
    sqs2 = _record(tmp_path, 'sqs', 2, 99.0, _rows([1]))
    report = study.paired_report([off1, off0], [sqs0, sqs1, sqs2])
    lines = report.split('\n')
    assert lines[0].startswith('| seed | off | SQS | SQS - off |')
    # McNemar on 3 vs 1: two-sided Bin(4, 1/2) p = 2 * 5 / 16 = 0.625
    assert lines[2] == '| 0 | 50.00 | 62.50 | +12.50 | 3 | 1 | 0.625 |'
    assert lines[3] == '| 1 | 60.00 | 60.50 | +0.50 | 0 | 0 | 1 |'
    assert len([ln for ln in lines if ln.startswith('| ')]) == 3  # seed 2 out
    # over the pairs: differences 12.5 and 0.5
    half = stats.t.ppf(0.975, 1) * stats.tstd([12.5, 0.5]) / 2**0.5
    assert 'Mean SQS - off over 2 seeds: +6.50 points' in report
    assert f'95% CI [{6.5 - half:+.2f}, {6.5 + half:+.2f}]' in report
    assert f'sd of the differences {stats.tstd([12.5, 0.5]):.2f}' in report
    p = stats.ttest_rel([62.5, 60.5], [50.0, 60.0]).pvalue
    assert f'paired t-test p = {p:.3g}' in report


def test_paired_report_of_one_seed_has_no_interval(tmp_path):
    report = study.paired_report(
        [_record(tmp_path, 'off', 0, 50.0, _rows([1, 0]))],
        [_record(tmp_path, 'sqs', 0, 100.0, _rows([1, 1]))])
    assert report.endswith('Mean SQS - off over 1 seeds: +50.00')
    assert '| 0 | 50.00 | 100.00 | +50.00 | 1 | 0 | 1 |' in report


def test_paired_report_refuses_different_images_and_no_pairs(tmp_path):
    off = _record(tmp_path, 'off', 0, 50.0, _rows([1, 0]))
    sqs = _record(tmp_path, 'sqs', 0, 50.0, _rows([1, 0, 1]))
    with pytest.raises(ValueError, match='seed 0: .*different images'):
        study.paired_report([off], [sqs])
    other = _record(tmp_path, 'sqs', 1, 50.0, _rows([1, 0]))
    with pytest.raises(ValueError, match='no seed has both'):
        study.paired_report([off], [other])


def test_predictions_reads_correctness(tmp_path):
    record = _record(tmp_path, 'r', 0, 0.0, [('x.png', 3, 3), ('y.png', 2, 5)])
    assert study.predictions(record) == {'x.png': True, 'y.png': False}


def test_table_sorted_by_name_and_seed():
    records = [
        dict(
            name='b',
            seed=1,
            seconds=90,
            metrics={
                'fer/accuracy': 70.125,
                'fer/macro_f1': 60.0
            }),
        dict(
            name='a',
            seed=3,
            seconds=30,
            metrics={
                'fer/accuracy': 80.0,
                'fer/macro_f1': 75.555
            }),
        dict(
            name='b',
            seed=0,
            seconds=600,
            metrics={
                'fer/accuracy': 71.0,
                'fer/macro_f1': 61.0
            }),
    ]
    assert study.table(records).split('\n') == [
        '| run | seed | accuracy | macro-F1 | minutes |',
        '|---|---:|---:|---:|---:|',
        '| a | 3 | 80.00 | 75.56 | 0.5 |',
        '| b | 0 | 71.00 | 61.00 | 10.0 |',
        '| b | 1 | 70.12 | 60.00 | 1.5 |',
    ]


def test_parse_args_and_report_needs_variant(tmp_path):
    args = study.parse_args(['trials'])
    assert args.trials == list(study.TRIALS)
    assert args.variants == list(study.SQS_VARIANTS)
    assert (args.size, args.iters, args.seeds) == (112, 900, [0])
    assert args.trial_iters is None  # each trial's own budget
    with pytest.raises(SystemExit):
        study.parse_args(['sqs-report', '--variant', 'off'])
    with pytest.raises(ValueError, match='--variant'):
        study.main(['sqs-report', '--work-dir', str(tmp_path)])
    assert list(tmp_path.iterdir()) == []  # nothing ran


def test_choose_variant_best_mean_on_valid_of_same_size_and_length():
    def rec(variant, acc, size=112, iters=250, split='val'):
        return dict(
            name=f'sqs/{size}px/{variant}/{iters}it/{split}',
            metrics={'fer/accuracy': acc})

    records = [
        rec('image+detach', 80.0), rec('image+detach', 82.0),
        rec('sqs-loss-only', 81.5), rec('off', 95.0),
        rec('enhanced+kl-only', 99.0, size=64),
        rec('enhanced+kl-only', 99.0, split='test')
    ]
    assert study.choose_variant(records, 112, 250) == 'sqs-loss-only'
    assert study.choose_variant(records, 64, 250) == 'enhanced+kl-only'
    with pytest.raises(ValueError, match='sqs-select'):
        study.choose_variant(records, 112, 300)


def test_trial_iters_trains_every_trial_for_that_length(monkeypatch):
    ran = []

    def fake_run_many(runs, results, jobs):
        ran.extend(runs)
        return []

    monkeypatch.setattr(study, 'run_many', fake_run_many)
    study.main(['trials', '--trials', 'lite0-112px', 'lite2-112px',
                '--trial-iters', '1800', '--work-dir', 'w'])
    assert [(r['name'], r['iters']) for r in ran] == [
        ('trials/lite0-112px/1800it/val', 1800),
        ('trials/lite2-112px/1800it/val', 1800)]
    ran.clear()
    study.main(['trials', '--trials', 'lite2-112px', '--work-dir', 'w'])
    assert [r['iters'] for r in ran] == [study.TRIALS['lite2-112px']['iters']]
