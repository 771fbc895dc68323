"""FERFolder: class folders, drops and subject-disjoint folds."""
import os.path as osp

import numpy as np

from sqsnet_mm.datasets import FERFolder
from .layouts import CK_FILES, make_folders


def test_fer_folder_classes_and_drops(tmp_path):
    root = make_folders(tmp_path, CK_FILES)
    open(osp.join(root, 'anger', 'notes.txt'), 'w').close()
    ds = FERFolder(root)
    # sorted folders (Sad, anger, happy), canonical names
    assert ds.metainfo['classes'] == ('sadness', 'anger', 'happiness')
    assert np.bincount(ds.get_gt_labels()).tolist() == [2, 3, 3]
    assert ds.drop_counts == {'not an image file (extension)': 1}
    ordered = FERFolder(root, classes=('happiness', 'sadness', 'anger'))
    assert np.bincount(ordered.get_gt_labels()).tolist() == [3, 2, 3]
    label = ordered.get_gt_labels()[0]
    assert 'S00' in ordered.get_data_info(0)['img_path']
    assert ordered.metainfo['classes'][label] in ('happiness', 'sadness',
                                                  'anger')


def test_fer_folder_subject_folds(tmp_path):
    root = make_folders(tmp_path, CK_FILES)
    kw = dict(subject_regex=r'^(S\d+)_', num_folds=3)
    all_subjects = {f'S00{i}' for i in range(1, 7)}
    tested = set()
    for fold in range(3):
        train = FERFolder(root, split='train', fold=fold, **kw)
        test = FERFolder(root, split='test', fold=fold, **kw)
        subj = [{d.get_data_info(i)['subject']
                 for i in range(len(d))} for d in (train, test)]
        assert not subj[0] & subj[1]
        assert subj[0] | subj[1] == all_subjects
        assert len(subj[1]) == 2 and len(train) + len(test) == 8
        tested |= subj[1]
    assert tested == all_subjects
    other = FERFolder(root, split='test', fold=0, fold_seed=1, **kw)
    assert len(other) > 0


def test_fer_folder_ckplus48_folds_are_subject_disjoint(ckplus_root):
    kw = dict(subject_regex=r'^(S\d+)_', num_folds=10, fold=4)
    train = FERFolder(ckplus_root, split='train', image_check='exists', **kw)
    test = FERFolder(ckplus_root, split='test', image_check='exists', **kw)
    assert len(train.metainfo['classes']) == 7
    subjects = [{d.get_data_info(i)['subject']
                 for i in range(len(d))} for d in (train, test)]
    assert not subjects[0] & subjects[1]
    assert len(train) + len(test) == 981
