"""Train and test configs in-process, many at a time, with resumable results.

One run is a config with overrides trained by mmengine's ``Runner`` and
tested on its test split, in the calling process (no subprocess, no
checkpoint written unless the config asks). :func:`run_many` spreads runs
over worker processes (``spawn``, one torch thread each, so that several
small models share the CPUs or one GPU) and appends every finished run to a
JSON-lines file, so an interrupted study continues where it stopped.

:func:`load_cfg` and :func:`run_runner` are the config loading and the
``Runner`` handling of every in-process run (also of
:func:`sqsnet_mm.analysis.experiments.run_train_test`); :func:`in_flight`
keeps at most ``jobs`` jobs of any kind running (also the seeds studies of
:mod:`sqsnet_mm.analysis.ckplus_accuracy`).
"""
import itertools
import json
import multiprocessing as mp
import os
import os.path as osp
import time
import traceback
from typing import (TYPE_CHECKING, Callable, Dict, Iterable, Iterator, List,
                    Optional, Tuple, TypeVar)

if TYPE_CHECKING:
    from mmengine.config import Config
    from mmengine.runner import Runner

Item = TypeVar('Item')
Job = TypeVar('Job')

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def run_key(run: dict) -> str:
    """Identity of a run: its name, seed and fold."""
    return f"{run['name']}|seed{run['seed']}|fold{run.get('fold')}"


def load_cfg(config: str,
             work_dir: str,
             name: str,
             options: Optional[dict] = None) -> 'Config':
    """Load ``config`` for one ``Runner``, with ``options`` merged.

    Args:
        config: Config file.
        work_dir: The runner's work directory.
        name: Start of the experiment name, which ends with the time in
            nanoseconds: unique per runner, as mmengine's logger, message
            hub and visualizer are instances by experiment name.
        options: Dotted config keys -> values (``Config.merge_from_dict``).

    Returns:
        Config: The config with ``work_dir`` and ``experiment_name`` set.
    """
    from mmengine.config import Config
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(options or {})
    cfg.work_dir = work_dir
    cfg.experiment_name = f'{name}_{time.time_ns()}'
    return cfg


def run_runner(cfg: 'Config',
               train: bool = True,
               test: bool = True,
               fer_files: bool = False
               ) -> Tuple['Runner', Optional[Dict[str, float]]]:
    """Build mmengine's ``Runner`` from ``cfg`` and train and/or test it,
    in this process.

    Args:
        cfg: The runner's config (see :func:`load_cfg`).
        train: Train first.
        test: Test (after training, with the trained model).
        fer_files: Make every ``FERMetric`` without ``out_dir`` write its
            JSON and confusion matrix to the runner's work directory, as
            ``tools/test.py`` does.

    Returns:
        tuple: The runner and its test metrics (None without ``test``).
    """
    from mmengine.runner import Runner

    from sqsnet_mm.evaluation import FERMetric
    runner = Runner.from_cfg(cfg)
    if train:
        runner.train()
    if not test:
        return runner, None
    if fer_files:
        for metric in runner.test_evaluator.metrics:
            if isinstance(metric, FERMetric) and metric.out_dir is None:
                metric.out_dir = runner.work_dir
    return runner, runner.test()


def build_cfg(run: dict) -> 'Config':
    """The mmengine config of one run.

    Args:
        run (dict): ``config`` (path), ``name``, ``seed``, ``work_dir``,
            and optionally ``fold`` (subject fold of every loader),
            ``data_root`` (of every loader), ``iters`` (training length:
            the loop, the warm-up + cosine schedule and the ramp follow),
            ``options`` (dict of dotted config keys -> values),
            ``num_workers``, ``log_level`` (default ``'WARNING'``: a study
            prints one line per run, not mmengine's training log).
    """
    options = dict(run.get('options') or {})
    for loader in LOADERS:
        if run.get('fold') is not None:
            options[f'{loader}.dataset.fold'] = run['fold']
        if run.get('data_root'):
            options[f'{loader}.dataset.data_root'] = run['data_root']
        if run.get('num_workers') is not None:
            options[f'{loader}.num_workers'] = run['num_workers']
            options[f'{loader}.persistent_workers'] = False
    cfg = load_cfg(run['config'], run['work_dir'],
                   run_key(run).replace('|', '_'), options)
    if run.get('iters'):
        set_iterations(cfg, run['iters'])
    cfg.randomness = dict(seed=run['seed'], deterministic=False)
    cfg.log_level = run.get('log_level', 'WARNING')
    # Test once after training: no validation, no checkpoint, no early
    # stopping, so nothing is chosen on the test split.
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint = None
    cfg.custom_hooks = [
        h for h in cfg.get('custom_hooks', [])
        if h['type'] != 'EarlyStoppingHook'
    ]
    return cfg


def set_iterations(cfg, iters: int) -> None:
    """Make an iteration-based config train ``iters`` iterations: the loop
    and every scheduler phase are rescaled by their fraction of the old
    length (a 10% warm-up stays 10%)."""
    if cfg.train_cfg.get('type') != 'IterBasedTrainLoop':
        raise ValueError('set_iterations needs an IterBasedTrainLoop config, '
                         f"got train_cfg {dict(cfg.train_cfg)}")
    old = cfg.train_cfg.max_iters
    cfg.train_cfg.max_iters = iters
    schedulers = cfg.param_scheduler
    for sched in schedulers if isinstance(schedulers, list) else [schedulers]:
        if sched.get('by_epoch', True):
            raise ValueError('set_iterations rescales iteration-based '
                             f'schedulers only, got {dict(sched)}')
        for key in ('begin', 'end', 'T_max'):
            if key in sched:
                sched[key] = round(sched[key] * iters / old)


def run_one(run: dict) -> dict:
    """Train and test one run in this process; return its record.

    Returns:
        dict: The run's fields, ``metrics`` (the test metrics, e.g.
        ``fer/accuracy``), ``seconds`` and ``device``; or ``error`` with
        the traceback when it failed.
    """
    import torch
    record = dict(run)
    start = time.time()
    try:
        runner, metrics = run_runner(build_cfg(run))
        record['metrics'] = {k: float(v) for k, v in metrics.items()}
        record['device'] = ('cuda' if next(
            runner.model.parameters()).is_cuda else 'cpu')
    except Exception:  # a failed run is recorded, the study goes on
        record['error'] = traceback.format_exc()
    record['seconds'] = round(time.time() - start, 1)
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    return record


def _worker_init() -> None:
    import torch
    torch.set_num_threads(1)
    import sqsnet_mm  # noqa: F401  (registries in the spawned process)


def in_flight(items: Iterable[Item],
              start: Callable[[Item], Job],
              finished: Callable[[Job], bool],
              jobs: int,
              poll: float = 0.2) -> Iterator[Tuple[Item, Job]]:
    """Start a job per item, at most ``jobs`` at a time; yield each
    ``(item, job)`` once it has finished.

    Items are read only when a job can start, so an ``items`` generator
    decides as late as possible whether more start (e.g. at a deadline).

    Args:
        items: What to run, in order.
        start: Starts the job of an item (e.g. ``Pool.apply_async`` or
            ``Process.start``) and returns a handle on it.
        finished: Whether a job has finished.
        jobs: Jobs running at once.
        poll: Seconds between two looks at the running jobs.
    """
    items = iter(items)
    active = [(item, start(item)) for item in itertools.islice(items, jobs)]
    while active:
        time.sleep(poll)
        done = [(item, job) for item, job in active if finished(job)]
        for pair in done:
            active.remove(pair)
            yield pair
        active += [(item, start(item))
                   for item in itertools.islice(items, len(done))]


def load_records(path: str) -> Dict[str, dict]:
    """Finished runs of a JSON-lines results file, by :func:`run_key`."""
    records = {}
    if osp.isfile(path):
        with open(path, encoding='utf-8') as f:
            for line_no, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f'{path}:{line_no}: not JSON ({e})')
                if 'metrics' in record:
                    records[run_key(record)] = record
    return records


def run_many(runs: Iterable[dict],
             results: str,
             jobs: int = 1,
             deadline: Optional[float] = None) -> List[dict]:
    """Run every run not yet in ``results``, ``jobs`` at a time.

    Args:
        runs: Run dicts (see :func:`build_cfg`), in priority order.
        results: JSON-lines file; each finished run is appended at once.
        jobs: Worker processes. 1 runs in this process.
        deadline: ``time.time()`` after which no new run starts.

    Returns:
        list[dict]: The records of all ``runs`` found or made (failed runs
        are in the file with their ``error`` but not returned).
    """
    runs = list(runs)
    done = load_records(results)
    todo = [r for r in runs if run_key(r) not in done]
    os.makedirs(osp.dirname(osp.abspath(results)), exist_ok=True)
    print(f'[runs] {len(runs) - len(todo)} of {len(runs)} runs found in '
          f'{results}; {len(todo)} to run with {jobs} job(s)', flush=True)

    def keep(record: dict) -> None:
        with open(results, 'a', encoding='utf-8') as f:
            f.write(json.dumps(record) + '\n')
        if 'metrics' in record:
            done[run_key(record)] = record
            acc = record['metrics'].get('fer/accuracy', float('nan'))
            print(f'[runs] {run_key(record)}: accuracy {acc:.2f} '
                  f'({record["seconds"]} s)', flush=True)
        else:
            print(f'[runs] {run_key(record)} FAILED:\n{record["error"]}',
                  flush=True)

    def pending():
        for run in todo:
            if deadline is not None and time.time() > deadline:
                print(f'[runs] deadline reached: {run_key(run)} and later '
                      'runs not started', flush=True)
                return
            yield run

    if jobs <= 1:
        for run in pending():
            keep(run_one(run))
    else:
        # At most `jobs` runs in flight, so the deadline is checked when a
        # run is handed out, not when the queue is read.
        ctx = mp.get_context('spawn')
        with ctx.Pool(jobs, initializer=_worker_init) as pool:
            for _, job in in_flight(
                    pending(), lambda run: pool.apply_async(run_one, (run, )),
                    lambda job: job.ready(), jobs):
                keep(job.get())
    return [done[run_key(r)] for r in runs if run_key(r) in done]
