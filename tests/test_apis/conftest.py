"""Fixtures of the inference tests: a random-init classifier written as a
config + checkpoint, the CK+ crops, and the command-line tools."""
import os
import os.path as osp
from typing import Callable, List, Optional, Sequence, Tuple

import pytest
import torch
from mmpretrain.apis import get_model

from sqsnet_mm.datasets.emotions import RAFDB_CLASSES
from ..utils import load_script
from .classifiers import classifier_config



@pytest.fixture
def make_classifier(
        tmp_path) -> Callable[[Sequence[str], Optional[int]], Tuple[str, str]]:
    """``make_classifier(classes, checkpoint_classes=None)`` writes a
    random-init classifier for ``classes`` under ``tmp_path/model`` and
    returns ``(config, checkpoint)``; the checkpoint comes from a model with
    ``checkpoint_classes`` outputs when given (a checkpoint that does not
    fit the config)."""

    def make(classes: Sequence[str] = RAFDB_CLASSES,
             checkpoint_classes: Optional[int] = None) -> Tuple[str, str]:
        torch.manual_seed(0)
        cfg = classifier_config(len(classes))
        model = get_model(
            classifier_config(checkpoint_classes or len(classes)))
        folder = tmp_path / 'model'
        folder.mkdir(exist_ok=True)
        config = str(folder / f'resnet18_{len(classes)}.py')
        cfg.dump(config)
        checkpoint = str(folder / f'resnet18_{len(classes)}.pth')
        torch.save(
            dict(
                state_dict=model.state_dict(),
                meta=dict(dataset_meta=dict(classes=list(classes)))),
            checkpoint)
        return config, checkpoint

    return make


@pytest.fixture
def ckplus_files(ckplus_root: str) -> List[str]:
    """Every CK+48 crop, sorted; the test is skipped when the data set is
    absent."""
    return sorted(
        osp.join(root, f) for root, _, names in os.walk(ckplus_root)
        for f in names if f.endswith('.png'))


@pytest.fixture
def load_tool() -> Callable[[str], object]:
    """``load_tool('infer')`` imports ``tools/infer.py`` as a module."""

    return lambda name: load_script(f'tools/{name}.py')
