"""Every top-level config: it resolves, imports the plug-in in MMPretrain's
scope, states its number of classes consistently, is named
``{model}_{N}xb{B}[-{variant}]_{dataset}.py`` (the quick start's
``sqsnet_tiny*_synthetic.py``, run on one machine, have no ``NxB``); and
every config path that the code and docs name exists."""
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
NAME = re.compile(r'^[a-z0-9_-]+_\d+xb\d+(-[a-z0-9-]+)?_[a-z0-9-]+\.py$'
                  r'|^sqsnet_tiny(-wo-sqs)?_synthetic\.py$')
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
    assert NAME.match(osp.basename(path)), path


def test_metafile_entries_name_their_configs():
    with open(osp.join(REPO_ROOT, 'configs', 'sqsnet', 'metafile.yml')) as f:
        index = yaml.safe_load(f)
    for model in index['Models']:
        assert model['Config'] in TOP_LEVEL, model['Config']
        assert osp.basename(model['Config']) == model['Name'] + '.py'
        assert model['In Collection'] == 'SQSNet'
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
