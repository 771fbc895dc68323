"""FERPlus: vote targets, the converter and the label modes."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from sqsnet_mm.datasets import FERPLUS_CLASSES, FERPlus, ferplus_target
from .layouts import make_ferplus


def test_ferplus_target_majority():
    # single votes are zeroed first: 6 of 8 remaining votes is a majority
    np.testing.assert_array_equal(
        ferplus_target([6, 2, 0, 0, 0, 0, 0, 1, 1, 0]),
        np.eye(10)[0])
    assert ferplus_target([5, 5, 0, 0, 0, 0, 0, 0, 0, 0]) is None  # tie
    assert ferplus_target([4, 3, 3, 0, 0, 0, 0, 0, 0, 0]) is None  # 40%
    # a top class of unknown is returned; the data set drops it
    assert ferplus_target([0, 0, 0, 0, 0, 0, 0, 0, 8, 2]).argmax() == 8
    assert ferplus_target([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) is None


def test_ferplus_target_probability():
    np.testing.assert_allclose(
        ferplus_target([6, 2, 0, 0, 0, 0, 0, 2, 0, 0], 'probability'),
        [0.6, 0.2, 0, 0, 0, 0, 0, 0.2, 0, 0])
    # the top emotions are taken until they hold 75% of the votes: 4 + 3 of
    # 9 (the single vote zeroed)
    np.testing.assert_allclose(
        ferplus_target([4, 3, 2, 1, 0, 0, 0, 0, 0, 0], 'probability'),
        np.array([4, 3, 0, 0, 0, 0, 0, 0, 0, 0]) / 7)
    # ties are taken together: 4, then both 3s
    np.testing.assert_allclose(
        ferplus_target([4, 3, 3, 2, 0, 0, 0, 0, 0, 0], 'probability'),
        np.array([4, 3, 3, 0, 0, 0, 0, 0, 0, 0]) / 10)
    # ... so a tie can exceed 3 emotions, and the image is discarded
    assert ferplus_target([3, 3, 2, 2, 2, 0, 0, 0, 0, 0],
                          'probability') is None
    # unknown after an emotion stops the loop and is not kept
    np.testing.assert_allclose(
        ferplus_target([6, 0, 0, 0, 0, 0, 0, 0, 4, 0], 'probability'),
        np.eye(10)[0])
    # unknown first: the image is unknown (dropped by the data set)
    assert ferplus_target([0, 3, 0, 0, 0, 0, 0, 0, 7, 0],
                          'probability').argmax() == 8
    # votes spread over 4 classes with 2 each plus 2 NF: <= half integrated
    assert ferplus_target([2, 2, 2, 2, 0, 0, 0, 0, 0, 2],
                          'probability') is None
    with pytest.raises(ValueError, match='label_mode'):
        ferplus_target([10] + [0] * 9, 'vote')


def test_ferplus_converter_and_label_modes(tmp_path):
    root = make_ferplus(tmp_path)
    names = sorted(os.listdir(osp.join(root, 'FER2013Train')))
    assert 'label.csv' in names and 'fer0000004.png' not in names
    img = cv2.imread(
        osp.join(root, 'FER2013Train', 'fer0000000.png'), cv2.IMREAD_UNCHANGED)
    assert img.shape == (48, 48) and (img == 128).all()

    train = FERPlus(root, split='train')
    assert train.metainfo['classes'] == FERPLUS_CLASSES
    # neutral (6 vs 2+2), happiness (9, the single surprise vote zeroed),
    # contempt (8 of 8 after zeroing the single votes)
    assert list(train.get_gt_labels()) == [0, 1, 7]
    assert train.drop_counts == {
        'without majority agreement': 1,
        'top class unknown': 1
    }
    seven = FERPlus(root, split='train', num_classes=7)
    assert len(seven.metainfo['classes']) == 7
    assert list(seven.get_gt_labels()) == [0, 1]
    assert seven.drop_counts['top class contempt'] == 1

    prob = FERPlus(root, split='train', label_mode='probability')
    assert list(prob.get_gt_labels()) == [0, 1, 2, 7]
    np.testing.assert_allclose(
        prob.get_data_info(0)['gt_score'], [0.6, 0.2, 0, 0, 0, 0, 0, 0.2])
    # the tie of surprise and fear is kept with half each
    np.testing.assert_allclose(
        prob.get_data_info(2)['gt_score'], [0, 0, 0.5, 0, 0, 0, 0.5, 0])
    prob7 = FERPlus(
        root, split='train', label_mode='probability', num_classes=7)
    np.testing.assert_allclose(
        prob7.get_data_info(0)['gt_score'], [0.75, 0.25, 0, 0, 0, 0, 0])
    assert list(FERPlus(root, split='val').get_gt_labels()) == [3]
    assert list(FERPlus(root, split='test').get_gt_labels()) == [4]
