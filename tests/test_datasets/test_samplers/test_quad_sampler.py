"""Tests of QuadSampler: quad validity, determinism, ranks, balance, edges."""
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from sqsnet_mm.datasets import QuadSampler
from sqsnet_mm.datasets.samplers import quad_sampler


class LabelSet:
    """A minimal data set: labels and class names, items are indices."""

    def __init__(self, labels, classes=None):
        self.labels = np.asarray(labels)
        self.metainfo = {} if classes is None else {'classes': classes}

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return idx

    def get_gt_labels(self):
        return self.labels


IMBALANCED = np.repeat(np.arange(5), [400, 50, 30, 15, 5])


def quads_of(sampler):
    return np.array(list(sampler)).reshape(-1, 4)


def assert_valid(quads, labels):
    a, p, n1, n2 = (labels[quads[:, i]] for i in range(4))
    assert (a == p).all() and (quads[:, 0] != quads[:, 1]).all()
    assert (n1 != a).all() and (n2 != a).all() and (n1 != n2).all()


@pytest.mark.parametrize('class_balanced', [False, True])
def test_quads_are_valid(class_balanced):
    rng = np.random.default_rng(0)
    for labels in (IMBALANCED, rng.integers(0, 8, 1000), [0, 0, 1, 1, 2, 2]):
        labels = np.asarray(labels)
        sampler = QuadSampler(
            LabelSet(labels), seed=3, class_balanced=class_balanced)
        quads = quads_of(sampler)
        assert len(quads) == len(labels) == len(sampler) // 4
        assert_valid(quads, labels)


def test_every_image_is_an_anchor_once_per_epoch():
    sampler = QuadSampler(LabelSet(IMBALANCED), seed=0)
    anchors = quads_of(sampler)[:, 0]
    assert sorted(anchors) == list(range(len(IMBALANCED)))
    assert list(anchors) != list(range(len(IMBALANCED)))  # shuffled
    ordered = QuadSampler(LabelSet(IMBALANCED), seed=0, shuffle=False)
    assert list(quads_of(ordered)[:, 0]) == list(range(len(IMBALANCED)))


def test_positives_cover_the_class_and_never_repeat_the_anchor():
    labels = np.array([0] * 4 + [1] * 3 + [2] * 3)
    sampler = QuadSampler(LabelSet(labels), seed=0)
    pairs = set()
    for epoch in range(60):
        sampler.set_epoch(epoch)
        pairs |= {(a, p) for a, p in quads_of(sampler)[:, :2]}
    members = [np.flatnonzero(labels == c) for c in range(3)]
    expected = {(a, p) for m in members for a in m for p in m if a != p}
    assert pairs == expected


def test_deterministic_for_seed_and_epoch():
    a = QuadSampler(LabelSet(IMBALANCED), seed=7)
    b = QuadSampler(LabelSet(IMBALANCED), seed=7)
    assert list(a) == list(b)
    assert list(a) == list(a)
    a.set_epoch(1)
    assert list(a) != list(b)
    b.set_epoch(1)
    assert list(a) == list(b)
    assert list(QuadSampler(LabelSet(IMBALANCED), seed=8)) != list(b)


def test_num_anchors():
    labels = np.repeat(np.arange(3), 4)
    few = QuadSampler(LabelSet(labels), seed=0, num_anchors=5)
    assert len(few) == 20 and len(quads_of(few)) == 5
    many = QuadSampler(LabelSet(labels), seed=0, num_anchors=30)
    anchors = quads_of(many)[:, 0]
    # two full permutations and 6 more images
    assert np.bincount(anchors).tolist().count(2) == 6
    assert np.bincount(anchors).min() == 2 and len(anchors) == 30
    with pytest.raises(ValueError, match='num_anchors'):
        QuadSampler(LabelSet(labels), num_anchors=0)


@pytest.mark.parametrize('world_size,num', [(3, 10), (4, 8), (2, 11)])
def test_ranks_are_disjoint_and_cover_the_epoch(monkeypatch, world_size, num):
    labels = np.arange(num) % 3
    single = QuadSampler(LabelSet(labels), seed=1)
    single.set_epoch(2)
    per_rank = []
    for rank in range(world_size):
        monkeypatch.setattr(
            quad_sampler, 'get_dist_info', lambda r=rank: (r, world_size))
        sampler = QuadSampler(LabelSet(labels), seed=1)
        sampler.set_epoch(2)
        per_rank.append(quads_of(sampler))
        assert len(sampler) == 4 * -(-num // world_size)
    assert len({len(q) for q in per_rank}) == 1
    # interleaving the ranks gives the single-process epoch, then padding
    merged = np.stack(per_rank, axis=1).reshape(-1, 4)
    np.testing.assert_array_equal(merged[:num], quads_of(single))
    np.testing.assert_array_equal(merged[num:],
                                  quads_of(single)[:len(merged) - num])
    anchors = [set(q[:, 0]) for q in per_rank]
    assert set().union(*anchors) == set(range(num))
    if num % world_size == 0:  # no padding: no anchor on two ranks
        assert sum(map(len, anchors)) == num


def test_class_balanced_anchors_and_negatives():
    sampler = QuadSampler(
        LabelSet(IMBALANCED), seed=0, class_balanced=True, num_anchors=20000)
    quads = quads_of(sampler)
    for column in (0, 2, 3):
        freq = np.bincount(IMBALANCED[quads[:, column]], minlength=5) / 20000
        np.testing.assert_allclose(freq, 0.2, atol=0.02)
    # a small class: all its images are drawn as anchors
    assert set(quads[:, 0]) >= set(np.flatnonzero(IMBALANCED == 4))


def test_plain_negatives_follow_class_sizes():
    sampler = QuadSampler(LabelSet(IMBALANCED), seed=0, num_anchors=20000)
    quads = quads_of(sampler)
    labels = IMBALANCED
    anchors_of_0 = labels[quads[:, 0]] == 0
    # negatives of class-0 anchors: classes 1-4 in proportion 50:30:15:5
    freq = np.bincount(labels[quads[anchors_of_0, 2]], minlength=5)
    np.testing.assert_allclose(
        freq[1:] / freq.sum(), [0.5, 0.3, 0.15, 0.05], atol=0.02)
    # the second negative skips both the anchor's and the first's class
    both = anchors_of_0 & (labels[quads[:, 2]] == 1)
    freq = np.bincount(labels[quads[both, 3]], minlength=5)
    np.testing.assert_allclose(
        freq[2:] / freq.sum(), [0.6, 0.3, 0.1], atol=0.04)


def test_single_image_class_is_an_error_naming_it():
    labels = [0, 0, 1, 2, 2, 3, 3]
    with pytest.raises(ValueError, match=r'1 \(fear\) have a single image'):
        QuadSampler(LabelSet(labels, ('surprise', 'fear', 'disgust', 'x')))
    with pytest.raises(ValueError, match=r'class\(es\) 1 have'):
        QuadSampler(LabelSet(labels))


def test_fewer_than_three_classes_is_an_error():
    with pytest.raises(ValueError, match=r'2 class\(es\) \(0 \(a\), 2 \(c'):
        QuadSampler(LabelSet([0, 0, 2, 2, 2], ('a', 'b', 'c')))


def test_classes_without_images_are_never_drawn(monkeypatch):
    logged = []
    monkeypatch.setattr(quad_sampler, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    labels = np.array([0, 0, 2, 2, 5, 5])
    sampler = QuadSampler(
        LabelSet(labels, tuple('abcdef')), seed=0, class_balanced=True)
    assert logged == [
        'QuadSampler: classes without images, never sampled: '
        '1 (b), 3 (d), 4 (e)'
    ]
    assert set(labels[quads_of(sampler).ravel()]) == {0, 2, 5}
    assert_valid(quads_of(sampler), labels)


def test_soft_labels_use_their_argmax():
    labels = np.array([0, 0, 1, 1, 2, 2])
    soft = np.eye(3)[labels] * 0.7 + 0.1
    quads = quads_of(QuadSampler(LabelSet(soft), seed=0))
    assert_valid(quads, labels)


def test_bad_data_sets():
    with pytest.raises(TypeError, match='get_gt_labels'):
        QuadSampler(list(range(10)))
    bad = LabelSet([0, 1, 2])
    bad.get_gt_labels = lambda: np.zeros((2, 2, 2))
    with pytest.raises(ValueError, match=r'shape \(2, 2, 2\)'):
        QuadSampler(bad)
    with pytest.raises(ValueError, match='seed must be >= 0'):
        QuadSampler(LabelSet([0, 0, 1, 1, 2, 2]), seed=-1)


def test_built_from_a_config_gives_quads_in_batch_order():
    init_default_scope('mmpretrain')
    labels = np.repeat(np.arange(4), 6)
    loader = Runner.build_dataloader(
        dict(
            batch_size=8,
            num_workers=0,
            dataset=LabelSet(labels),
            sampler=dict(type='QuadSampler', shuffle=True, seed=0),
            collate_fn=dict(type='default_collate')),
        seed=0)
    batches = [b for b in loader]
    # 24 anchors, 4 images each, 8 images (2 quads) per batch
    assert len(batches) == 12 and all(len(b) == 8 for b in batches)
    indices = torch.cat(batches).numpy()
    assert_valid(indices.reshape(-1, 4), labels)
    assert sorted(indices.reshape(-1, 4)[:, 0]) == list(range(24))
