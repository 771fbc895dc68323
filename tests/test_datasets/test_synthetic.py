"""Tests of the synthetic FER generator and its RAF-DB layout."""
import hashlib
import os
import os.path as osp

import numpy as np
import pytest

from sqsnet_mm.datasets import RAFDB, generate_synthetic_fer
from sqsnet_mm.datasets.synthetic import render_face
from ..utils import load_script



def digest(folder):
    """SHA-256 of every file under ``folder``, by relative path."""
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = osp.join(root, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path, folder)] = hashlib.sha256(
                    f.read()).hexdigest()
    return out


def test_byte_identical_for_a_seed(tmp_path):
    for name in ('a', 'b'):
        generate_synthetic_fer(str(tmp_path / name), 14, 7, 64, seed=3)
    generate_synthetic_fer(str(tmp_path / 'c'), 14, 7, 64, seed=4)
    a, b, c = (digest(tmp_path / n) for n in 'abc')
    assert len(a) == 14 + 7 + 1 and a == b
    images = [k for k in a if k.endswith('.jpg')]
    assert all(a[k] != c[k] for k in images)


def test_written_layout_loads_with_rafdb(tmp_path):
    root = str(tmp_path / 'synthetic')
    label_file = generate_synthetic_fer(root, 28, 14, 48, seed=0)
    assert label_file == osp.join(root, 'EmoLabel', 'list_patition_label.txt')
    first = open(label_file).readline().split()
    assert first[0] == 'train_00001.jpg' and 1 <= int(first[1]) <= 7
    train = RAFDB(root, split='train', image_check='decode')
    test = RAFDB(
        root,
        split='test',
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')])
    assert np.bincount(train.get_gt_labels()).tolist() == [4] * 7
    assert np.bincount(test.get_gt_labels()).tolist() == [2] * 7
    assert test[0]['inputs'].shape == (3, 48, 48)


def test_expressions_differ_locally():
    """Same identity, pose and lighting (same random stream), different
    expression: the images differ, but only in a small part of the face."""
    size = 112
    fractions = []
    for seed in range(6):
        faces = [
            render_face(label, np.random.default_rng(seed), size).astype(int)
            for label in range(7)
        ]
        for label in range(6):
            changed = np.abs(faces[label] - faces[6]).max(axis=2) > 10
            fractions.append(changed.mean())
    fractions = np.array(fractions)
    # every class changes the neutral face, typically by a few percent of
    # the pixels and never by more than a small part of the image
    assert (fractions > 0).all() and np.median(fractions) > 0.015
    assert fractions.max() < 0.15


def test_images_vary_within_a_class():
    faces = np.stack([
        render_face(3, np.random.default_rng(i), 64).astype(float)
        for i in range(8)
    ])
    # identity, pose, lighting: pixelwise spread within one class is large
    assert faces.std(axis=0).mean() > 25


def test_arguments_and_cli(tmp_path):
    with pytest.raises(ValueError, match='need some images'):
        generate_synthetic_fer(str(tmp_path), 0, 0)
    with pytest.raises(ValueError, match='size must be >= 32'):
        generate_synthetic_fer(str(tmp_path), 7, 0, size=16)
    tool = load_script('tools/dataset_converters/make_synthetic_fer.py')
    tool.main([
        str(tmp_path / 'cli'), '--num-train', '7', '--num-test', '0', '--size',
        '40', '--seed', '1'
    ])
    assert len(os.listdir(tmp_path / 'cli' / 'Image' / 'aligned')) == 7
    with pytest.raises(ValueError, match=r'RAFDB\[test\]: empty split'):
        RAFDB(str(tmp_path / 'cli'), split='test')
