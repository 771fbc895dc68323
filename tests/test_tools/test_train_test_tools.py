"""tools/train.py, test.py, dist_train.sh, dist_test.sh and the analysis
tools, run as a user runs them (subprocesses) on the tiny SQSNet config
(configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py) and a few dozen
synthetic 64 px faces, on the CPU."""
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest

from sqsnet_mm.analysis import seeds, sweep
from sqsnet_mm.datasets.synthetic import generate_synthetic_fer
from ..utils import REPO_ROOT, load_script

TOOLS = osp.join(REPO_ROOT, 'tools')
TINY = osp.join(REPO_ROOT, 'configs', 'sqsnet',
                'sqsnet_tiny_1xb32-5e_synthetic-64px.py')
EPOCHS = 2  # for the kill-and-resume test; the other runs train 1 epoch
BATCH = 8  # two quads
ANCHORS = 8  # quads per epoch: 32 images, 4 iterations on one process
NUM_TEST = 14
ONE_EPOCH = ['--cfg-options', 'train_cfg.max_epochs=1']

# Test-only hooks, imported by the test config: one records every training
# batch (rank, epoch, sample indices, labels), the other stalls training in
# the middle of epoch 2 when SQS_TEST_STALL is set, for the SIGKILL test.
HOOKS = '''
import json, os, time
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class RecordBatchHook(Hook):
    def before_train_iter(self, runner, batch_idx, data_batch=None):
        samples = data_batch['data_samples']
        with open(os.path.join(runner.work_dir,
                               f'batches_rank{get_rank()}.jsonl'), 'a') as f:
            f.write(json.dumps(dict(
                epoch=runner.epoch, iter=runner.iter,
                idx=[s.sample_idx for s in samples],
                label=[int(s.gt_label) for s in samples])) + '\\n')


@HOOKS.register_module()
class StallHook(Hook):
    def before_train_iter(self, runner, batch_idx, data_batch=None):
        marker = os.environ.get('SQS_TEST_STALL')
        if marker and runner.epoch == 1 and batch_idx == 2:
            open(marker, 'w').close()
            time.sleep(600)
'''

# The tiny SQSNet config of the quick start, on fewer, smaller batches.
CONFIG = '''
_base_ = [{tiny!r}]
custom_imports = dict(imports=['sqsnet_mm', 'tools_test_hooks'],
                      allow_failed_imports=False)
loader = dict(batch_size={batch}, num_workers=0, persistent_workers=False)
train_dataloader = dict(
    **loader,
    dataset=dict(data_root={data_root!r}),
    sampler=dict(num_anchors={anchors}))
val_dataloader = dict(**loader, dataset=dict(data_root={data_root!r}))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs={epochs})
default_hooks = dict(logger=dict(interval=1))
custom_hooks = [
    dict(type='EarlyStoppingHook', monitor='fer/accuracy', rule='greater',
         min_delta=0.1, patience=10),
    dict(type='NonFiniteLossHook'),
    dict(type='RecordBatchHook'),
    dict(type='StallHook'),
]
'''


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    """(config path, environment, root folder) shared by the tests."""
    root = tmp_path_factory.mktemp('tools')
    data_root = str(root / 'fer')
    generate_synthetic_fer(
        data_root, num_train=56, num_test=NUM_TEST, size=64)
    (root / 'tools_test_hooks.py').write_text(HOOKS)
    config = root / 'tiny.py'
    config.write_text(
        CONFIG.format(
            tiny=TINY,
            data_root=data_root,
            batch=BATCH,
            anchors=ANCHORS,
            epochs=EPOCHS))
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(root), REPO_ROOT]),
        OMP_NUM_THREADS='1',  # 2 processes on 2 shared cores
        CUDA_VISIBLE_DEVICES='',  # the CPU path, also on GPU machines
        MKL_NUM_THREADS='1')
    env.pop('SQS_TEST_STALL', None)
    return str(config), env, root


def run(cmd, env, **kwargs):
    """Run a command; fail the test with its output when it fails."""
    proc = subprocess.run(
        cmd,
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        **kwargs)
    assert proc.returncode == 0, proc.stdout[-4000:]
    return proc.stdout


def train(config, work_dir, env, *extra):
    return run([
        sys.executable,
        osp.join(TOOLS, 'train.py'), config, '--work-dir',
        str(work_dir), *extra
    ], env)


def train_losses(work_dir):
    """Training losses per iteration from LocalVisBackend's scalars.json."""
    [scalars] = [
        osp.join(d, 'vis_data', 'scalars.json')
        for d in sorted(os.listdir(work_dir))
        if osp.isfile(osp.join(work_dir, d, 'vis_data', 'scalars.json'))
    ]
    with open(osp.join(work_dir, scalars)) as f:
        rows = [json.loads(line) for line in f]
    return [(r['step'], r['loss']) for r in rows if 'loss' in r]


# ------------------------------------------------------------------ seeds
@pytest.fixture(scope='module')
def seed_runs(setup):
    """tools/analysis_tools/seeds.py over seeds 0 and 1."""
    config, env, root = setup
    work_dir = root / 'seeds'
    out = run([
        sys.executable,
        osp.join(TOOLS, 'analysis_tools', 'seeds.py'), config, '--seeds', '0',
        '1', '--work-dir',
        str(work_dir), '--out',
        str(root / 'seeds.md'), *ONE_EPOCH
    ], env)
    return work_dir, out


def test_seeds_tool_reports_mean_std(seed_runs):
    work_dir, out = seed_runs
    with open(work_dir / 'seeds.json') as f:
        results = json.load(f)
    [runs] = results.values()
    assert sorted(runs) == ['seed0', 'seed1']
    accs = [runs[r]['accuracy'] for r in ('seed0', 'seed1')]
    expect = seeds.format_mean_std(accs)
    table = (work_dir.parent / 'seeds.md').read_text()
    ci = seeds.format_interval(seeds.mean_interval(accs))
    assert f'| accuracy | {expect} | {ci} |' in table
    assert table.strip() in out
    for key in ('macro_f1', 'weighted_f1', 'balanced_accuracy', 'f1_range'):
        assert f'| {key} |' in table
    # each run tested the best checkpoint, and wrote the confusion matrix
    for run_name in ('seed0', 'seed1'):
        run_dir = work_dir / 'tiny' / run_name
        assert list(run_dir.glob('best_fer_accuracy_epoch_*.pth'))
        assert (run_dir / 'test' / 'fer_confusion_matrix.png').is_file()


def test_paired_ttest_table():
    from scipy import stats
    a = {'seed0': dict(accuracy=80.0), 'seed1': dict(accuracy=82.0),
         'seed2': dict(accuracy=81.0)}
    b = {'seed0': dict(accuracy=78.0), 'seed1': dict(accuracy=79.5),
         'seed2': dict(accuracy=79.0)}
    table = seeds.markdown_table('a.py', a, 'b.py', b)
    ref = stats.ttest_rel([80, 82, 81], [78, 79.5, 79])
    row = [line for line in table.splitlines() if '| accuracy |' in line][0]
    cells = [c.strip() for c in row.strip('|').split('|')]
    assert cells[1] == '81.00 ± 1.00' and cells[3] == '78.83 ± 0.76'
    # 95% interval of the mean: 81 +- t_0.975(2) * 1 / sqrt(3)
    half = stats.t.ppf(0.975, 2) / 3 ** 0.5
    assert cells[2] == f'[{81 - half:.2f}, {81 + half:.2f}]'
    # three significant digits
    assert float(cells[4]) == pytest.approx(13 / 6, rel=5e-3)
    # differences 2, 2.5, 2: sd 0.2887
    half = stats.t.ppf(0.975, 2) * (1 / 12) ** 0.5 / 3 ** 0.5
    assert cells[5] == f'[{13 / 6 - half:.2f}, {13 / 6 + half:.2f}]'
    assert float(cells[6]) == pytest.approx(ref.statistic, rel=5e-3)
    assert float(cells[7]) == pytest.approx(ref.pvalue, rel=5e-3)
    plan = seeds.run_plan([0], 3, ['train_dataloader.dataset'])
    assert [name for name, _ in plan] == ['seed0_fold0', 'seed0_fold1',
                                          'seed0_fold2']
    assert plan[2][1] == [
        'randomness.seed=0', 'train_dataloader.dataset.num_folds=3',
        'train_dataloader.dataset.fold=2'
    ]


def test_sweep_points_and_table(tmp_path, monkeypatch):
    args = sweep.parse_args([
        'x.py', '--tau', '0.5', '1', '--lambda', '0', '--param',
        'model.head.kl_weight=0,1', '--work-dir',
        str(tmp_path)
    ])
    axes = sweep.sweep_axes(args)
    assert [k for k, _ in axes] == [
        'model.head.sqs.tau', 'model.head.sqs_loss_weight',
        'model.head.kl_weight'
    ]
    assert len(sweep.sweep_points(axes, 'oat')) == 5
    assert len(sweep.sweep_points(axes, 'grid')) == 4
    calls = []

    def fake_run(config, work_dir, tools_dir, cfg_options, **kwargs):
        calls.append(cfg_options)
        tau = [o for o in cfg_options if o.startswith('model.head.sqs.tau')]
        return dict.fromkeys(sweep.DEFAULT_METRICS,
                             float(tau[0].split('=')[1]) if tau else 50.0)

    monkeypatch.setattr(sweep, 'run_train_test', fake_run)
    sweep.main(['x.py', '--tau', '0.5', '1', '--work-dir', str(tmp_path),
                '--out', str(tmp_path / 't.md')])
    assert calls[0] == ['model.head.sqs.tau=0.5', 'randomness.seed=0']
    table = (tmp_path / 't.md').read_text().splitlines()
    assert table[2].startswith('| tau | accuracy |')
    assert table[4] == '| 0.5 | 0.50 | 0.50 | 0.50 | 0.50 | 0.50 |'


def test_sweep_keys_exist_in_the_model_config():
    from mmengine.config import Config
    cfg = Config.fromfile(TINY)
    for key in sweep.SQS_KEYS.values():
        node = cfg
        for part in key.split('.'):
            assert part in node, key
            node = node[part]


# ----------------------------------------------------- kill and resume
@pytest.fixture(scope='module')
def killed_run(setup):
    """A 2-epoch training (seed 0) killed with SIGKILL in epoch 2; returns
    its work directory and the losses it logged before dying."""
    config, env, root = setup
    work_dir = root / 'killed'
    marker = root / 'stalled'
    stall_env = dict(env, SQS_TEST_STALL=str(marker))
    log = open(root / 'killed.log', 'w')
    proc = subprocess.Popen([
        sys.executable,
        osp.join(TOOLS, 'train.py'), config, '--work-dir',
        str(work_dir)
    ], env=stall_env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 240
        while not marker.exists():
            assert proc.poll() is None, (root / 'killed.log').read_text()
            assert time.time() < deadline, 'training never reached epoch 2'
            time.sleep(0.5)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        log.close()
    return work_dir, train_losses(work_dir)


def test_same_seed_same_losses(killed_run, seed_runs):
    # two runs with seed 0 (the killed one and seeds.py's) and one with seed 1
    _, killed_losses = killed_run
    work_dir, _ = seed_runs
    per_epoch = ANCHORS * 4 // BATCH
    seed0 = train_losses(work_dir / 'tiny' / 'seed0')
    seed1 = train_losses(work_dir / 'tiny' / 'seed1')
    assert len(seed0) == per_epoch and len(killed_losses) > per_epoch
    assert killed_losses[:per_epoch] == seed0
    assert [loss for _, loss in seed0] != [loss for _, loss in seed1]


def test_sigkill_mid_epoch_then_resume(setup, killed_run):
    config, env, _ = setup
    work_dir, _ = killed_run
    assert (work_dir / 'epoch_1.pth').is_file()
    assert not (work_dir / 'epoch_2.pth').exists()  # killed mid-epoch 2
    out = train(config, work_dir, env, '--resume')
    assert 'resumed epoch: 1' in out
    assert 'Epoch(train) [1][' not in out  # epoch 1 was not run again
    assert f'Epoch(train) [2][{ANCHORS * 4 // BATCH}/' in out
    assert (work_dir / 'epoch_2.pth').is_file()


# ------------------------------------------------- distributed on the CPU
def test_distributed_cpu_quads_and_test_metrics(setup):
    config, env, root = setup
    work_dir = root / 'dist'
    env = dict(env, PORT=str(29500 + os.getpid() % 1000))
    out = run([
        'bash',
        osp.join(TOOLS, 'dist_train.sh'), config, '2', '--work-dir',
        str(work_dir), *ONE_EPOCH
    ], env)
    assert 'Distributed training: True' in out and "backend='gloo'" in out

    # the two ranks trained on different quads, which together are the epoch
    batches = {}
    for rank in (0, 1):
        with open(work_dir / f'batches_rank{rank}.jsonl') as f:
            batches[rank] = [json.loads(line) for line in f]
        assert len(batches[rank]) == ANCHORS * 4 // BATCH // 2
    anchors = []
    for rank in (0, 1):
        anchors.append(set())
        for b in batches[rank]:
            for q in range(0, BATCH, 4):
                idx, lab = b['idx'][q:q + 4], b['label'][q:q + 4]
                assert lab[0] == lab[1] and len({lab[0], lab[2], lab[3]}) == 3
                anchors[rank].add(idx[0])
    assert len(anchors[0]) == len(anchors[1]) == ANCHORS // 2
    assert not anchors[0] & anchors[1]

    # distributed test == single-process test of the same checkpoint
    ckpt = str(work_dir / 'epoch_1.pth')
    out = run([
        'bash',
        osp.join(TOOLS, 'dist_test.sh'), config, ckpt, '2', '--work-dir',
        str(root / 'dist_test'), '--tta'
    ], env)
    assert 'Confusion matrix: ' in out
    single = run([
        sys.executable,
        osp.join(TOOLS, 'test.py'), config, ckpt, '--work-dir',
        str(root / 'single_test'), '--tta', '--cfg-options',
        'train_dataloader.dataset.data_root=/no/training/data'
    ], env)  # a test does not need the training data
    assert '| fer/accuracy |' in single
    results = []
    for name in ('dist_test', 'single_test'):
        with open(root / name / 'fer_metrics.json') as f:
            results.append(json.load(f))
        assert (root / name / 'fer_confusion_matrix.png').is_file()
    assert results[0]['num_samples'] == results[1]['num_samples'] == NUM_TEST
    assert results[0]['confusion_matrix'] == results[1]['confusion_matrix']
    assert results[0]['metrics'] == pytest.approx(results[1]['metrics'])


# --------------------------------------------------------------- efficiency
def test_efficiency_tool(setup, tmp_path, capsys, monkeypatch):
    config, _, root = setup
    monkeypatch.syspath_prepend(str(root))  # the config's test hooks
    efficiency = load_script('tools/analysis_tools/efficiency.py')
    efficiency.main([
        config, '--batch-size', '8', '--iters', '1', '--warmup', '0',
        '--devices', 'cpu', '--out',
        str(tmp_path / 'eff.json')
    ])
    with open(tmp_path / 'eff.json') as f:
        res = json.load(f)
    assert res['shape'] == [64, 64]
    # SQS and the enhanced classifier are training-only
    assert 0 < res['params_deployed_m'] < res['params_train_m']
    assert res['gflops_deployed'] > 0
    cpu = res['devices']['cpu']
    for key in ('latency_bs1_ms', 'throughput_img_s', 'train_step_s',
                'train_peak_mem_mib'):
        assert cpu[key] > 0, key
    assert '| latency, batch 1 (ms) |' in capsys.readouterr().out
