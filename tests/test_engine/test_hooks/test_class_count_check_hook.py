"""ClassCountCheckHook: a data set with more classes than the head has
outputs is a clear error before the first batch, naming the fix."""
import logging
import os
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

import sqsnet_mm  # noqa: F401
from sqsnet_mm.datasets import FERFolder
from sqsnet_mm.engine import ClassCountCheckHook

EIGHT = ('anger', 'contempt', 'disgust', 'fear', 'happy', 'neutral', 'sad',
         'surprise')


def _runner(dataset, num_classes, wrapped=False):
    model = SimpleNamespace(head=SimpleNamespace(num_classes=num_classes))
    if wrapped:  # DDP, then the TTA wrapper
        model = SimpleNamespace(module=SimpleNamespace(module=model))
    loader = SimpleNamespace(dataset=dataset)
    return SimpleNamespace(
        model=model,
        train_dataloader=loader,
        val_dataloader=loader,
        test_dataloader=loader,
        logger=logging.getLogger('test_class_count'))


def _folder(root, names):
    rng = np.random.default_rng(0)
    for name in names:
        os.makedirs(osp.join(root, name))
        for i in range(2):
            face = rng.integers(0, 255, (48, 48), dtype=np.uint8)
            assert cv2.imwrite(osp.join(root, name, f'{i}.png'), face)


def test_more_classes_than_outputs_names_folder_and_fix(tmp_path):
    root = str(tmp_path / 'faces')
    _folder(root, EIGHT)
    dataset = FERFolder(
        data_root=root,
        split='train',
        subject_regex=r'^(.*)$',
        num_folds=2,
        fold=0)
    hook = ClassCountCheckHook()
    for wrapped in (False, True):
        runner = _runner(dataset, 7, wrapped)
        for check in (hook.before_train, hook.before_val, hook.before_test):
            with pytest.raises(ValueError) as err:
                check(runner)
            message = str(err.value)
            assert root in message and '8 classes' in message
            assert 'model.head.num_classes is 7' in message
            assert 'model.head.num_classes=8' in message
    hook.before_train(_runner(dataset, 8))  # matching: no error


def test_fewer_classes_than_outputs_is_a_warning(caplog):
    dataset = SimpleNamespace(
        metainfo=dict(classes=('happiness', 'sadness')), data_root='two')
    with caplog.at_level(logging.WARNING, logger='test_class_count'):
        ClassCountCheckHook().before_train(_runner(dataset, 7))
    assert "'two' has 2 classes" in caplog.text
    assert '5 output(s) are never a target' in caplog.text


def test_models_without_a_class_count_are_skipped():
    dataset = SimpleNamespace(metainfo=dict(classes=tuple('abcdefghij')))
    runner = _runner(dataset, 7)
    runner.model = SimpleNamespace(head=None)
    ClassCountCheckHook().before_train(runner)
