"""The SQS study: in-process runs, validation-fold choice, paired reports."""
import json

import pytest
from mmengine.config import Config

from sqsnet_mm.analysis import runs as runs_mod
from sqsnet_mm.analysis.sqs_study import (REPORT_FOLDS, VAL_FOLDS,
                                          candidates, choose_winner,
                                          compare_table, make_run,
                                          report_runs, select_runs)

from ..utils import load_script


def fake_record(run, acc):
    return dict(
        run, metrics={'fer/accuracy': acc, 'fer/macro_f1': acc / 2}, seconds=1)


def test_runs_are_configured_for_one_honest_test(tmp_path):
    run = make_run('lite0', 'image+detach', seed=3, fold=7, iters=150,
                   work_root=str(tmp_path), data_root='faces')
    cfg = runs_mod.build_cfg(run)
    for loader in ('train_dataloader', 'test_dataloader'):
        ds = cfg[loader].dataset
        assert (ds.fold, ds.num_folds, ds.data_root) == (7, 10, 'faces')
    assert cfg.val_dataloader is None and cfg.val_cfg is None
    assert cfg.default_hooks.checkpoint is None
    assert cfg.model.head.sqs.detach_relation is True
    assert cfg.model.head.sqs_reduction == 'image'
    assert cfg.randomness.seed == 3
    # 150 of 300 iterations: the 10% warm-up and the cosine follow.
    assert cfg.train_cfg.max_iters == 150
    assert [(s.begin, s.end) for s in cfg.param_scheduler] == [(0, 15),
                                                               (15, 150)]
    # variants are stated in full: 'paper' undoes the lite0 configs' defaults
    paper = runs_mod.build_cfg(
        make_run('lite0', 'paper', 0, 0, 300, work_root=str(tmp_path)))
    assert paper.model.head.sqs_reduction == 'anchor'
    assert paper.model.head.sqs.detach_relation is False
    off = runs_mod.build_cfg(
        make_run('lite0', 'off', 0, 0, 300, work_root=str(tmp_path)))
    assert off.model.head.sqs is None
    assert off.train_dataloader.sampler.type == 'DefaultSampler'


def test_epoch_based_configs_are_refused_by_set_iterations():
    cfg = Config(dict(train_cfg=dict(by_epoch=True, max_epochs=5)))
    with pytest.raises(ValueError, match='IterBasedTrainLoop'):
        runs_mod.set_iterations(cfg, 10)


def test_selection_and_report_keep_folds_apart(tmp_path):
    sel = select_runs('pretrained', [0], 300, work_root=str(tmp_path))
    assert {r['fold'] for r in sel} == set(VAL_FOLDS)
    assert 'image+pre-fusion' in {r['variant'] for r in sel}
    assert 'image+pre-fusion' not in candidates('lite0')
    rep = report_runs('scratch', ['off', 'image'], [0, 1], 100,
                      work_root=str(tmp_path))
    assert {r['fold'] for r in rep} == set(REPORT_FOLDS)
    # the two variants of one (seed, fold) are neighbours
    assert [r['variant'] for r in rep[:2]] == ['off', 'image']


def test_winner_is_best_complete_candidate_and_table_pairs_runs(tmp_path):
    sel = select_runs('lite0', [0], 300, ['off', 'paper', 'image'],
                      work_root=str(tmp_path))
    acc = {'off': 80.0, 'paper': 78.0, 'image': 83.0}
    records = [fake_record(r, acc[r['variant']] + r['fold']) for r in sel]
    assert choose_winner(records, 'lite0', 300) == 'image'
    # an incomplete candidate (one fold missing) cannot win
    records = [r for r in records
               if not (r['variant'] == 'image' and r['fold'] == 0)]
    assert choose_winner(records, 'lite0', 300) == 'paper'
    table = compare_table(records).splitlines()
    paper = next(line for line in table if '| paper |' in line)
    assert '-2.00 (n=5)' in paper
    image = next(line for line in table if '| image |' in line)
    assert '+3.00 (n=4)' in image


def test_run_many_resumes_and_respects_the_deadline(tmp_path, monkeypatch):
    results = str(tmp_path / 'results.jsonl')
    todo = [
        make_run('lite0', 'off', 0, f, 300, work_root=str(tmp_path))
        for f in VAL_FOLDS[:3]
    ]
    calls = []

    def fake_run_one(run):
        calls.append(run['fold'])
        return fake_record(run, 90.0) if run['fold'] != 1 else dict(
            run, error='boom', seconds=0)

    monkeypatch.setattr(runs_mod, 'run_one', fake_run_one)
    done = runs_mod.run_many(todo, results)
    assert calls == [0, 1, 2] and [r['fold'] for r in done] == [0, 2]
    lines = [json.loads(x) for x in open(results)]
    assert [('error' in x) for x in lines] == [False, True, False]
    calls.clear()
    runs_mod.run_many(todo, results)  # only the failed run again
    assert calls == [1]
    calls.clear()
    runs_mod.run_many(todo, results, deadline=0)
    assert calls == []
    with open(results, 'a') as f:
        f.write('not json\n')
    with pytest.raises(ValueError, match=r'results.jsonl:5: not JSON'):
        runs_mod.load_records(results)


def test_in_flight_keeps_jobs_running_and_reads_items_late():
    read, polls = [], {}

    def items():
        for i in range(5):
            read.append(i)
            yield i

    def start(i):
        polls[i] = 0
        return i

    def finished(i):  # job i finishes on its (i + 1)-th look
        polls[i] += 1
        return polls[i] > i

    order = []
    for item, job in runs_mod.in_flight(items(), start, finished, 2, poll=0):
        assert item == job
        order.append(item)
        # the items of the running jobs, and none after them, were read
        assert len(read) - len(order) <= 2
    assert order == [0, 1, 2, 3, 4] and read == [0, 1, 2, 3, 4]


def test_study_tool_refuses_overlapping_folds(tmp_path):
    tool = load_script('tools/analysis_tools/sqs_study.py')
    with pytest.raises(ValueError, match='overlap'):
        tool.main(['--data-root', 'x', '--work-dir', str(tmp_path),
                   '--val-folds', '0', '1', '--report-folds', '1', '2'])


LR_MULT = 'optim_wrapper.paramwise_cfg.custom_keys.timm_model.lr_mult'


def test_cfg_options_reach_every_run(tmp_path, monkeypatch):
    seen = []

    def fake_run_one(run):
        seen.append(run)
        return fake_record(run, 80.0 + (run['variant'] != 'off'))

    monkeypatch.setattr(runs_mod, 'run_one', fake_run_one)
    tool = load_script('tools/analysis_tools/sqs_study.py')
    summary = tool.main([
        '--data-root', 'faces', '--work-dir', str(tmp_path),
        '--select-regime', 'lite0', '--select-seeds', '0', '--select-iters',
        '30', '--select-variants', 'off', 'image', '--val-folds', '0',
        '--report-folds', '5', '--report-regimes', 'lite0', '--report-seeds',
        '0', '--report-iters', '30', '--cfg-options', f'{LR_MULT}=0.1'
    ])
    assert summary['winner'] == 'image'
    # off and image on fold 0; off, paper and image on fold 5
    assert [(r['variant'], r['fold']) for r in seen] == [
        ('off', 0), ('image', 0), ('off', 5), ('paper', 5), ('image', 5)
    ]
    assert all(r['options'][LR_MULT] == 0.1 for r in seen)
    # the variant's own settings stay
    assert seen[1]['options']['model.head.sqs_reduction'] == 'image'


def test_cfg_options_give_the_docs_lower_lr_on_the_lite0(tmp_path):
    """``custom_keys.timm_model`` (a dotted key cannot name
    ``backbone.timm_model``) slows exactly the pretrained Lite0's
    parameters, as ``custom_keys={'backbone.timm_model': ...}`` does."""
    from mmengine.optim import build_optim_wrapper
    from mmpretrain.registry import MODELS
    run = make_run('lite0', 'image+detach', 0, 0, 300,
                   work_root=str(tmp_path), cfg_options={LR_MULT: 0.1})
    cfg = runs_mod.build_cfg(run)
    model = MODELS.build(cfg.model)
    optimizer = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    base = cfg.optim_wrapper.optimizer.lr
    lr_of = {
        id(p): group['lr']
        for group in optimizer.param_groups for p in group['params']
    }
    slow = {
        name
        for name, p in model.named_parameters() if lr_of[id(p)] == 0.1 * base
    }
    names = [name for name, _ in model.named_parameters()]
    assert slow == {n for n in names if n.startswith('backbone.timm_model.')}
    assert slow and len(slow) < len(names)
    assert all(lr_of[id(p)] == base for n, p in model.named_parameters()
               if n not in slow)


@pytest.mark.parametrize('key', [
    'model.head.sqs_reduction', 'model.head', 'model.head.sqs.margin',
    'test_dataloader.dataset.fold', 'train_dataloader.dataset'
])
def test_cfg_options_may_not_change_what_the_study_sets(
        tmp_path, monkeypatch, key):
    monkeypatch.setattr(runs_mod, 'run_one', pytest.fail)
    tool = load_script('tools/analysis_tools/sqs_study.py')
    message = f'--cfg-options {key}: the study sets'
    with pytest.raises(ValueError, match=message):
        tool.main(['--data-root', 'x', '--work-dir', str(tmp_path),
                   '--select-variants', 'off', '--cfg-options', f'{key}=1'])
    # a key beside them is fine
    run = make_run('lite0', 'paper', 0, 0, 300, work_root=str(tmp_path),
                   cfg_options={'model.head.topk': 1})
    assert run['options']['model.head.topk'] == 1
