"""RAF-DB: splits, labels, the load report and the label cache."""
import os.path as osp

import numpy as np
import pytest

from sqsnet_mm.datasets import RAFDB, RAFDB_CLASSES, base_fer_dataset
from .layouts import make_rafdb, rafdb_label_file


def test_rafdb_splits_labels_and_report(tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr(base_fer_dataset, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    root = make_rafdb(tmp_path, original=True)
    train = RAFDB(root, split='train')
    assert train.metainfo['classes'] == RAFDB_CLASSES
    assert list(train.get_gt_labels()) == [0, 1, 2, 3, 4, 5, 6]
    info = train.get_data_info(0)
    assert info['img_path'].endswith(
        osp.join('Image', 'aligned', 'train_00001_aligned.jpg'))
    assert logged == [
        f'RAFDB[train]: loaded 7 images from {rafdb_label_file(root)}; '
        'dropped 0'
    ]
    test = RAFDB(root, split='test', image_type='original')
    assert list(test.get_gt_labels()) == [6, 0, 3]
    assert test.get_data_info(2)['img_path'].endswith(
        osp.join('Image', 'original', 'test_0003.jpg'))
    assert test.drop_counts == {}
    packed = RAFDB(
        root,
        split='test',
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')])[0]
    assert packed['inputs'].shape == (3, 12, 12)
    assert packed['data_samples'].gt_label.item() == 6


@pytest.mark.parametrize('serialize_data', [True, False])
def test_gt_labels_cached_and_refreshed_on_subset(tmp_path, serialize_data):
    ds = RAFDB(
        make_rafdb(tmp_path), split='train', serialize_data=serialize_data)
    labels = ds.get_gt_labels()
    assert labels.dtype == np.int64 and list(labels) == list(range(7))
    assert [ds.get_data_info(i)['gt_label'] for i in range(7)] == list(labels)
    ds.get_subset_([2, 4])
    assert list(ds.get_gt_labels()) == [2, 4]
