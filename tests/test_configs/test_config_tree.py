"""Every top-level config: it resolves, imports the plug-in in MMPretrain's
scope, states its number of classes consistently, and is named in
MMPretrain's convention (configs/sqsnet/README.md, "Config names")::

    {algorithm}_{backbone}[-{variant}]_[{pretrain}_]{N}xb{B}[-{schedule}]_{dataset}[-{res}px].py

with the batch, the budget and the resolution the name states; the model
index (model-index.yml, configs/sqsnet/metafile.yml) names configs that
build; and every config path that the code and docs name exists."""
import glob
import os
import os.path as osp
import re

import pytest
import yaml
from mmengine.config import Config

from ..utils import REPO_ROOT

TOP_LEVEL = sorted(
    osp.relpath(p, REPO_ROOT)
    for p in glob.glob(osp.join(REPO_ROOT, 'configs', '*', '*.py'))
    if '_base_' not in p)
NAME = re.compile(
    r'^(?:sqsnet_)?'  # algorithm (absent for a plain zoo model)
    r'(?P<backbone>[a-z0-9]+(?:-[a-z0-9]+)*?)'
    r'(?:-(?P<variant>wo-sqs|paper-sqs|concat|in-batch))?'
    r'_(?P<pretrain>in1k-pre_)?'
    r'(?P<gpus>\d+)xb(?P<batch>\d+)'
    r'(?:-(?P<budget>\d+)(?P<unit>it|e))?'
    r'_(?P<dataset>[a-z0-9]+(?:-[a-z0-9]+)*?)'
    r'(?:-(?P<res>\d+)px)?\.py$')
# a config path in code or docs (globs and brace lists are not paths)
REFERENCE = re.compile(r'(?<![\w/.])(?:\w[\w/.-]*/)?configs/[\w/.-]+?\.py\b')


def test_there_are_configs():
    assert len(TOP_LEVEL) >= 15, TOP_LEVEL


@pytest.mark.parametrize('path', TOP_LEVEL)
def test_top_level_config(path):
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    assert cfg.default_scope == 'mmpretrain'
    assert 'sqsnet_mm' in cfg.custom_imports.imports
    head = cfg.model.head.num_classes
    assert cfg.get('data_preprocessor', {}).get('num_classes', head) == head
    dataset = cfg.train_dataloader.dataset
    assert dataset.get('num_classes', head) == head


@pytest.mark.parametrize('path', TOP_LEVEL)
def test_config_name_states_batch_budget_and_size(path):
    name = NAME.match(osp.basename(path))
    assert name, f'{path}: not {{algorithm}}_{{backbone}}[-{{variant}}]_' \
        '[{pretrain}_]{N}xb{B}[-{schedule}]_{dataset}[-{res}px].py'
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    assert cfg.train_dataloader.batch_size == int(name['batch']), path
    # --auto-scale-lr scales from the batch the name states
    assert cfg.auto_scale_lr.base_batch_size == \
        int(name['gpus']) * int(name['batch']), path
    if name['budget']:
        key = dict(it='max_iters', e='max_epochs')[name['unit']]
        assert cfg.train_cfg[key] == int(name['budget']), path
    crops = [
        t.scale for t in cfg.train_dataloader.dataset.pipeline
        if t.type == 'RandomResizedCrop'
    ]
    assert crops == [int(name['res'] or 224)], path


def _model_index() -> list:
    """The metafiles that model-index.yml imports (what ``mim`` reads)."""
    with open(osp.join(REPO_ROOT, 'model-index.yml')) as f:
        imports = yaml.safe_load(f)['Import']
    assert imports == ['configs/sqsnet/metafile.yml']
    metafiles = []
    for path in imports:
        with open(osp.join(REPO_ROOT, path)) as f:
            metafiles.append(yaml.safe_load(f))
    return metafiles


def test_metafile_entries_name_configs_that_build():
    for index in _model_index():
        for model in index['Models']:
            path = model['Config']
            assert osp.isfile(osp.join(REPO_ROOT, path)), path
            assert path in TOP_LEVEL, path
            assert osp.basename(path) == model['Name'] + '.py'
            assert model['In Collection'] == 'SQSNet'
            cfg = Config.fromfile(osp.join(REPO_ROOT, path))
            assert cfg.model.head.type == 'SQSClsHead', path
        assert len(index['Models']) >= 14


def test_every_config_path_named_in_the_repository_exists():
    named = set()
    for root, dirs, files in os.walk(REPO_ROOT):
        dirs[:] = [
            d for d in dirs
            if not d.startswith('.') and d not in ('work_dirs', 'data')
        ]
        for name in files:
            if name.endswith(('.py', '.md', '.sh', '.yml')):
                with open(osp.join(root, name), encoding='utf-8') as f:
                    named |= set(REFERENCE.findall(f.read()))
    assert len(named) > 20
    missing = sorted(p for p in named
                     if not osp.isfile(osp.join(REPO_ROOT, p)))
    assert not missing, missing
