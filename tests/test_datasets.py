"""Tests of the FER data sets, their converters, bad input and configs.

All data are tiny files written under ``tmp_path``; nothing is downloaded.
"""
import csv
import importlib.util
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from sqsnet_mm.datasets import (AFFECTNET_CLASSES, FERPLUS_CLASSES,
                                RAFDB_CLASSES, RAFDB, AffectNet, CropFaceBox,
                                FERFolder, FERPlus, canonical_emotion,
                                ferplus_target)
from sqsnet_mm.datasets import base_fer_dataset
from sqsnet_mm.datasets.image_check import check_images

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CKPLUS = '/work/shared/data/ckplus48'


def _load_tool(name):
    """Import a script of tools/dataset_converters as a module."""
    path = osp.join(REPO, 'tools', 'dataset_converters', name + '.py')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


prepare_ferplus = _load_tool('prepare_ferplus')


def write_image(path, size=12, seed=0):
    """Write a small random colour image (format from the extension)."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    img = np.random.default_rng(seed).integers(
        0, 255, (size, size, 3), dtype=np.uint8)
    assert cv2.imwrite(path, img)
    return path


def make_rafdb(root,
               train=(1, 2, 3, 4, 5, 6, 7),
               test=(7, 1, 4),
               original=False):
    """RAF-DB basic layout with the given labels (1-7) per split."""
    lines = []
    for split, labels, digits in (('train', train, 5), ('test', test, 4)):
        for i, label in enumerate(labels, 1):
            stem = f'{split}_{i:0{digits}d}'
            write_image(
                osp.join(root, 'Image', 'aligned', f'{stem}_aligned.jpg'))
            if original:
                write_image(osp.join(root, 'Image', 'original', f'{stem}.jpg'))
            lines.append(f'{stem}.jpg {label}\n')
    os.makedirs(osp.join(root, 'EmoLabel'), exist_ok=True)
    with open(osp.join(root, 'EmoLabel', 'list_patition_label.txt'), 'w') as f:
        f.writelines(lines)
    return str(root)


def write_csv(path, header, rows):
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


FER_HEADER = ['emotion', 'pixels', 'Usage']
FERPLUS_HEADER = ['Usage', 'Image name', *FERPLUS_CLASSES, 'unknown', 'NF']
PIXELS = ' '.join(['128'] * 48 * 48)
# (Usage, Image name, 10 votes): one row per kept/dropped case.
FERPLUS_ROWS = [
    ('Training', 'fer0000000.png', [6, 2, 0, 0, 0, 0, 0, 2, 0, 0]),  # neutral
    ('Training', 'fer0000001.png', [0, 9, 1, 0, 0, 0, 0, 0, 0, 0]),  # happy
    ('Training', 'fer0000002.png', [0, 0, 4, 0, 0, 0, 4, 0, 2, 0]),  # tie
    ('Training', 'fer0000003.png', [0, 0, 0, 0, 0, 0, 0, 3, 7, 0]),  # unkn.
    ('Training', '', [0, 0, 0, 0, 0, 0, 0, 0, 0, 10]),  # removed by FERPlus
    ('Training', 'fer0000005.png', [1, 0, 0, 0, 0, 0, 0, 8, 1, 0]),  # cont.
    ('PublicTest', 'fer0000006.png', [0, 0, 0, 10, 0, 0, 0, 0, 0, 0]),
    ('PrivateTest', 'fer0000007.png', [0, 0, 0, 0, 7, 3, 0, 0, 0, 0]),
]


def make_ferplus_csvs(folder, rows=FERPLUS_ROWS):
    fer = write_csv(
        osp.join(folder, 'fer2013.csv'), FER_HEADER,
        [[0, PIXELS, usage] for usage, _, _ in rows])
    plus = write_csv(
        osp.join(folder, 'fer2013new.csv'), FERPLUS_HEADER,
        [[usage, name, *votes] for usage, name, votes in rows])
    return fer, plus


def make_ferplus(root):
    fer, plus = make_ferplus_csvs(osp.join(root, 'raw'))
    prepare_ferplus.convert_ferplus(fer, plus, osp.join(root, 'ferplus'))
    return osp.join(root, 'ferplus')


AFFECTNET_HEADER = [
    'subDirectory_filePath', 'face_x', 'face_y', 'face_width', 'face_height',
    'facial_landmarks', 'expression', 'valence', 'arousal'
]


def make_affectnet_csv(root, codes, split='train', header=AFFECTNET_HEADER):
    """CSV layout; image i is ``<i % 3>/img<i>.jpg`` with expression code."""
    rows = []
    for i, code in enumerate(codes):
        name = f'{i % 3}/img{i}.jpg'
        write_image(osp.join(root, 'Manually_Annotated_Images', name), 20)
        row = dict(
            subDirectory_filePath=name,
            face_x=2,
            face_y=3,
            face_width=10,
            face_height=12,
            facial_landmarks='1.0;2.0;3.0;4.0',
            expression=code,
            valence=0.1,
            arousal=-0.2)
        rows.append([row[c] for c in header])
    file = AffectNet.CSV_FILES[split]
    return write_csv(osp.join(root, file), header, rows)


def make_affectnet_npy(root, codes, split='train'):
    folder = osp.join(root, AffectNet.NPY_FOLDERS[split])
    os.makedirs(osp.join(folder, 'annotations'), exist_ok=True)
    for i, code in enumerate(codes):
        write_image(osp.join(folder, 'images', f'{i}.jpg'))
        np.save(
            osp.join(folder, 'annotations', f'{i}_exp.npy'),
            np.array(str(code)))
        np.save(
            osp.join(folder, 'annotations', f'{i}_val.npy'), np.array('0.5'))
    return folder


def make_folders(root, files):
    """``files``: {folder: [file names]}."""
    for folder, names in files.items():
        for name in names:
            write_image(osp.join(root, folder, name))
    return str(root)


CK_FILES = {
    'happy': ['S001_001_1.png', 'S002_001_1.png', 'S003_001_1.png'],
    'Sad': ['S001_002_1.png', 'S004_001_1.png'],
    'anger': ['S002_003_1.png', 'S005_001_1.png', 'S006_001_1.png'],
}

# ---------------------------------------------------------------- emotions


def test_canonical_emotion():
    assert canonical_emotion(' Happy ') == 'happiness'
    assert canonical_emotion('ANGRY') == 'anger'
    assert canonical_emotion('fearful') == 'fear'
    assert canonical_emotion('contempt') == 'contempt'
    with pytest.raises(ValueError, match="'joy'"):
        canonical_emotion('joy')


# ------------------------------------------------------------------ RAF-DB


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
        f'RAFDB[train]: loaded 7 images from {_rafdb_label_file(root)}; '
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


# ----------------------------------------------------------------- FERPlus


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


# --------------------------------------------------------------- AffectNet


def test_affectnet_csv_drops_and_face_box(tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr(base_fer_dataset, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    codes = [0, 1, 7, 8, 9, 10, 6, 10, 3]
    csv_file = make_affectnet_csv(tmp_path, codes)
    ds = AffectNet(str(tmp_path), split='train')
    assert logged == [
        f'AffectNet[train]: loaded 5 images from {csv_file}; dropped 4 '
        '(expression 10 (No-Face): 2, expression 8 (None): 1, '
        'expression 9 (Uncertain): 1)'
    ]
    assert ds.layout == 'csv'
    assert ds.metainfo['classes'] == AFFECTNET_CLASSES
    assert list(ds.get_gt_labels()) == [0, 1, 7, 6, 3]
    assert ds.drop_counts == {
        'expression 8 (None)': 1,
        'expression 9 (Uncertain)': 1,
        'expression 10 (No-Face)': 2
    }
    info = ds.get_data_info(1)
    assert info['img_path'].endswith(
        osp.join('Manually_Annotated_Images', '1', 'img1.jpg'))
    assert tuple(info['face_box']) == (2, 3, 12, 15)
    seven = AffectNet(str(tmp_path), split='train', num_classes=7)
    assert list(seven.get_gt_labels()) == [0, 1, 6, 3]
    assert seven.drop_counts['expression 7 (contempt, num_classes=7)'] == 1

    cropped = AffectNet(
        str(tmp_path),
        split='train',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='CropFaceBox'),
            dict(type='PackInputs')
        ])[0]
    assert cropped['inputs'].shape == (3, 12, 10)


def test_affectnet_npy_layout(tmp_path):
    make_affectnet_npy(tmp_path, [5, 9, 2, 7, 0, 1, 2, 3, 4, 5, 6, 10, 4])
    ds = AffectNet(str(tmp_path), split='train', num_classes=7)
    assert ds.layout == 'npy'
    # ids are sorted numerically (0, 1, ..., 12), not as strings
    assert list(ds.get_gt_labels()) == [5, 2, 0, 1, 2, 3, 4, 5, 6, 4]
    assert ds.get_data_info(0)['img_path'].endswith(
        osp.join('train_set', 'images', '0.jpg'))
    assert ds.drop_counts == {
        'expression 9 (Uncertain)': 1,
        'expression 10 (No-Face)': 1,
        'expression 7 (contempt, num_classes=7)': 1
    }


def test_crop_face_box():
    img = np.arange(20 * 30 * 3, dtype=np.uint8).reshape(20, 30, 3)
    out = CropFaceBox(margin=0.5)(
        dict(img=img, face_box=(10, 4, 20, 12), img_path='x.jpg'))
    # 10x8 box, 5/4 px margins: x 5..25, y 0..16
    assert out['img'].shape == (16, 20, 3) and out['img_shape'] == (16, 20)
    np.testing.assert_array_equal(out['img'], img[0:16, 5:25])
    with pytest.raises(KeyError, match='x.jpg'):
        CropFaceBox()(dict(img=img, img_path='x.jpg'))
    with pytest.raises(ValueError, match='outside'):
        CropFaceBox()(dict(img=img, face_box=(40, 0, 50, 5), img_path='x'))


# --------------------------------------------------------------- FERFolder


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


@pytest.mark.skipif(not osp.isdir(CKPLUS), reason='no shared CK+48 data')
def test_fer_folder_ckplus48_folds_are_subject_disjoint():
    kw = dict(subject_regex=r'^(S\d+)_', num_folds=10, fold=4)
    train = FERFolder(CKPLUS, split='train', image_check='exists', **kw)
    test = FERFolder(CKPLUS, split='test', image_check='exists', **kw)
    assert len(train.metainfo['classes']) == 7
    subjects = [{d.get_data_info(i)['subject']
                 for i in range(len(d))} for d in (train, test)]
    assert not subjects[0] & subjects[1]
    assert len(train) + len(test) == 981


# -------------------------------------------------------------- bad input


def _rafdb_label_file(root):
    return osp.join(root, 'EmoLabel', 'list_patition_label.txt')


def _append(path, text):
    with open(path, 'a') as f:
        f.write(text)


def test_missing_data_root(tmp_path):
    missing = str(tmp_path / 'nowhere')
    for build in (lambda: RAFDB(missing), lambda: FERPlus(missing),
                  lambda: AffectNet(missing), lambda: FERFolder(missing)):
        with pytest.raises(FileNotFoundError, match='nowhere'):
            build()


def test_missing_annotation_files(tmp_path):
    os.makedirs(tmp_path / 'root')
    with pytest.raises(FileNotFoundError, match='list_patition_label.txt'):
        RAFDB(str(tmp_path / 'root'))
    with pytest.raises(FileNotFoundError, match='FER2013Valid'):
        FERPlus(str(tmp_path / 'root'), split='val')
    with pytest.raises(FileNotFoundError, match='validation.csv.*val_set'):
        AffectNet(str(tmp_path / 'root'), split='val')


def test_missing_image_names_file_and_line(tmp_path):
    root = make_rafdb(tmp_path / 'raf')
    os.remove(osp.join(root, 'Image', 'aligned', 'train_00003_aligned.jpg'))
    with pytest.raises(
            FileNotFoundError,
            match=r'list_patition_label.txt:3: image .*train_00003_aligned'):
        RAFDB(root)

    ferplus = make_ferplus(tmp_path / 'fp')
    os.remove(osp.join(ferplus, 'FER2013Train', 'fer0000001.png'))
    with pytest.raises(FileNotFoundError, match=r'label.csv:2: .*0001.png'):
        FERPlus(ferplus)

    make_affectnet_csv(tmp_path / 'an', [0, 1, 2, 3])
    os.remove(
        osp.join(tmp_path, 'an', 'Manually_Annotated_Images', '2', 'img2.jpg'))
    with pytest.raises(FileNotFoundError, match=r'training.csv:4: .*img2'):
        AffectNet(str(tmp_path / 'an'))

    folder = make_affectnet_npy(tmp_path / 'npy', [0, 1, 2])
    os.remove(osp.join(folder, 'images', '1.jpg'))
    with pytest.raises(FileNotFoundError, match=r'1_exp.npy: image .*1.jpg'):
        AffectNet(str(tmp_path / 'npy'))


@pytest.mark.parametrize('damage', ['truncate_jpg', 'empty', 'garbage'])
def test_unreadable_image_names_file_and_line(tmp_path, damage):
    root = make_rafdb(tmp_path)
    path = osp.join(root, 'Image', 'aligned', 'train_00002_aligned.jpg')
    data = open(path, 'rb').read()
    data = dict(
        truncate_jpg=data[:len(data) // 2],
        empty=b'',
        garbage=b'this is not an image at all')[damage]
    with open(path, 'wb') as f:
        f.write(data)
    with pytest.raises(
            ValueError,
            match=r'list_patition_label.txt:2: image .*train_00002_aligned'):
        RAFDB(root)
    # 'exists' only checks existence; loading then fails on the file
    ds = RAFDB(
        root, image_check='exists', pipeline=[dict(type='LoadImageFromFile')])
    if damage != 'empty':  # OpenCV's error on 0 bytes names no file
        with pytest.raises(AssertionError, match='train_00002_aligned'):
            ds[1]


def test_truncated_png_and_decode_check(tmp_path):
    root = make_folders(tmp_path, CK_FILES)
    path = osp.join(root, 'anger', 'S005_001_1.png')
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:-20])
    with pytest.raises(ValueError, match='S005_001_1.png is a truncated PNG'):
        FERFolder(root)
    # markers intact but nothing decodable between them: only 'decode' sees
    # it
    jpg = str(tmp_path / 'x' / 'fake.jpg')
    os.makedirs(osp.dirname(jpg))
    with open(jpg, 'wb') as f:
        f.write(b'\xff\xd8\xff' + bytes(range(256)) * 4 + b'\xff\xd9')
    check_images([jpg], lambda i: 'list:1', 'quick')
    with pytest.raises(ValueError, match='list:1: image .*fake.jpg cannot'):
        check_images([jpg], lambda i: 'list:1', 'decode')
    with pytest.raises(ValueError, match='image_check'):
        RAFDB(str(tmp_path), image_check='full')


def test_label_out_of_range(tmp_path):
    root = make_rafdb(tmp_path / 'raf')
    _append(_rafdb_label_file(root), 'train_00008.jpg 8\n')
    with pytest.raises(ValueError, match=r':11: label 8 outside .*1\.\.7'):
        RAFDB(root)
    root = make_rafdb(tmp_path / 'raf0', train=(1, 0))
    with pytest.raises(ValueError, match=r':2: label 0 outside'):
        RAFDB(root)
    root = make_rafdb(tmp_path / 'raf_bad', train=(1, 'x'))
    with pytest.raises(ValueError, match=r":2: label 'x' is not an integer"):
        RAFDB(root)
    make_affectnet_csv(tmp_path / 'an', [0, 1, 11])
    with pytest.raises(ValueError, match=r'training.csv:4: expression 11'):
        AffectNet(str(tmp_path / 'an'))
    make_affectnet_csv(tmp_path / 'an2', [0, -1])
    with pytest.raises(ValueError, match=r'training.csv:3: expression -1'):
        AffectNet(str(tmp_path / 'an2'))
    make_affectnet_csv(tmp_path / 'an3', [0, 'happy'])
    with pytest.raises(ValueError, match=r'training.csv:3: expression and'):
        AffectNet(str(tmp_path / 'an3'))


def test_malformed_lines(tmp_path):
    root = make_rafdb(tmp_path / 'raf')
    _append(_rafdb_label_file(root), 'val_0001.jpg 3\n')
    with pytest.raises(ValueError, match=r":11: image name 'val_0001.jpg'"):
        RAFDB(root)
    root = make_rafdb(tmp_path / 'raf2')
    _append(_rafdb_label_file(root), 'train_00009.jpg\n')
    with pytest.raises(ValueError, match=r':11: expected "<image> <label>"'):
        RAFDB(root)
    ferplus = make_ferplus(tmp_path / 'fp')
    _append(
        osp.join(ferplus, 'FER2013Test', 'label.csv'),
        'fer9.png,"(0, 0, 48, 48)",1,2,x,0,0,0,0,0,0,0\n')
    with pytest.raises(ValueError, match=r'label.csv:2: vote counts'):
        FERPlus(ferplus, split='test')
    _append(osp.join(ferplus, 'FER2013Valid', 'label.csv'), 'fer9.png,1,2\n')
    with pytest.raises(ValueError, match=r'label.csv:2: expected image'):
        FERPlus(ferplus, split='val')


def test_csv_missing_column(tmp_path):
    header = [c for c in AFFECTNET_HEADER if c != 'expression']
    make_affectnet_csv(tmp_path / 'an', [0, 1], header=header)
    with pytest.raises(
            ValueError,
            match=r"training.csv: missing column\(s\) "
            r"\['expression'\]"):
        AffectNet(str(tmp_path / 'an'))
    fer, plus = make_ferplus_csvs(tmp_path / 'raw')
    rows = list(csv.reader(open(plus)))
    write_csv(plus, [c for c in rows[0] if c != 'contempt'],
              [r[:9] + r[10:] for r in rows[1:]])
    with pytest.raises(ValueError, match=r"fer2013new.csv: missing .*contem"):
        prepare_ferplus.convert_ferplus(fer, plus, str(tmp_path / 'out'))
    write_csv(fer, ['emotion', 'Usage'], [[0, 'Training']])
    with pytest.raises(ValueError, match=r"fer2013.csv: missing .*pixels"):
        prepare_ferplus.convert_ferplus(fer, plus, str(tmp_path / 'out'))


def test_ferplus_converter_mismatches(tmp_path):
    fer, plus = make_ferplus_csvs(tmp_path)
    rows = list(csv.reader(open(fer)))
    rows[3][2] = 'PublicTest'
    write_csv(fer, rows[0], rows[1:])
    with pytest.raises(ValueError, match=r'fer2013new.csv:4: Usage'):
        prepare_ferplus.convert_ferplus(fer, plus, str(tmp_path / 'out'))
    rows[3][2] = 'Training'
    rows[2][1] = '1 2 3'
    write_csv(fer, rows[0], rows[1:])
    with pytest.raises(ValueError, match=r'fer2013.csv:3: 3 pixels'):
        prepare_ferplus.convert_ferplus(fer, plus, str(tmp_path / 'out'))
    rows[2][1] = PIXELS
    write_csv(fer, rows[0], rows[1:4])
    with pytest.raises(ValueError, match=r'fer2013.csv has fewer rows'):
        prepare_ferplus.convert_ferplus(fer, plus, str(tmp_path / 'out'))


def test_empty_split(tmp_path):
    root = make_rafdb(tmp_path / 'raf', test=())
    with pytest.raises(ValueError, match=r'RAFDB\[test\]: empty split'):
        RAFDB(root, split='test')
    # every row dropped: the error gives the drop counts
    make_affectnet_csv(tmp_path / 'an', [8, 9, 10], split='val')
    with pytest.raises(
            ValueError, match=r'AffectNet\[val\]: empty split.*3 dropped'):
        AffectNet(str(tmp_path / 'an'), split='val')
    root = make_folders(tmp_path / 'ck', CK_FILES)
    os.makedirs(osp.join(root, 'fear'))
    with pytest.raises(ValueError, match=r"\['fear'\] .* hold no image"):
        FERFolder(root)


def test_fer_folder_bad_names(tmp_path):
    root = make_folders(tmp_path / 'a', {**CK_FILES, 'joy': ['S1_1.png']})
    with pytest.raises(ValueError, match=r'joy: folder name is not an emot'):
        FERFolder(root)
    root = make_folders(tmp_path / 'b', {**CK_FILES, 'fear': ['x1.png']})
    with pytest.raises(ValueError, match=r'fear.x1.png: file name does not'):
        FERFolder(
            root, split='test', subject_regex=r'^(S\d+)_', num_folds=2, fold=0)
    with pytest.raises(ValueError, match='do not match the classes'):
        FERFolder(root, classes=('fear', 'anger'))
    with pytest.raises(ValueError, match='given together'):
        FERFolder(root, subject_regex='S', num_folds=2)
    with pytest.raises(ValueError, match='7 subjects cannot make 9'):
        FERFolder(
            root,
            split='train',
            subject_regex=r'^(S\d+)_|x',
            num_folds=9,
            fold=0)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="split must be one of"):
        RAFDB(str(tmp_path), split='val')
    with pytest.raises(ValueError, match='image_type'):
        RAFDB(str(tmp_path), image_type='cropped')
    with pytest.raises(ValueError, match='label_mode'):
        FERPlus(str(tmp_path), label_mode='soft')
    with pytest.raises(ValueError, match='num_classes'):
        AffectNet(str(tmp_path), num_classes=6)
    with pytest.raises(ValueError, match='layout'):
        AffectNet(str(tmp_path), layout='json')


# ------------------------------------------------------------------ configs

CONFIG_DIR = osp.join(REPO, 'configs', '_base_', 'datasets')


@pytest.mark.parametrize('name', [
    'rafdb', 'ferplus', 'affectnet8', 'affectnet7', 'synthetic_fer',
    'ckplus_folder'
])
def test_dataset_config_keys(name):
    cfg = Config.fromfile(osp.join(CONFIG_DIR, name + '.py'))
    for key in ('dataset_type', 'data_root', 'data_preprocessor',
                'train_pipeline', 'test_pipeline', 'train_dataloader',
                'val_dataloader', 'val_evaluator', 'test_dataloader',
                'test_evaluator'):
        assert key in cfg, key
    assert cfg.default_scope == 'mmpretrain'
    assert cfg.custom_imports.imports == ['sqsnet_mm']
    assert cfg.data_preprocessor.to_rgb
    train = cfg.train_dataloader
    assert train.sampler.type == 'QuadSampler'
    assert train.batch_size == 64 and train.persistent_workers
    assert cfg.val_evaluator.type == 'FERMetric'
    assert cfg.train_pipeline[-1].type == 'PackInputs'
    erasing = [t for t in cfg.train_pipeline if t.type == 'RandomErasing']
    assert erasing and erasing[0].erase_prob == 0.5
    size = 112 if name == 'synthetic_fer' else 224
    assert cfg.train_pipeline[1].scale == size
    num_classes = cfg.data_preprocessor.num_classes
    assert num_classes == {'ferplus': 8, 'affectnet8': 8}.get(name, 7)
    assert cfg.train_dataloader.dataset.get('num_classes',
                                            num_classes) == num_classes
    if name.startswith('affectnet'):
        assert train.sampler.class_balanced


def _build_loaders(cfg_name, data_root, batch_size=8, **overrides):
    """Build the config's train and test loaders on ``data_root``."""
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(osp.join(CONFIG_DIR, cfg_name + '.py'))
    loaders = []
    for key in ('train_dataloader', 'test_dataloader'):
        loader = cfg[key]
        loader.update(
            batch_size=batch_size, num_workers=0, persistent_workers=False)
        loader.dataset.update(data_root=data_root, **overrides)
        loaders.append(Runner.build_dataloader(loader.to_dict(), seed=0))
    return loaders


def _assert_quad_batch(batch, size):
    labels = [s.gt_label.item() for s in batch['data_samples']]
    assert len(labels) % 4 == 0
    for a, p, n1, n2 in np.reshape(labels, (-1, 4)):
        assert a == p and len({a, n1, n2}) == 3
    assert batch['inputs'][0].shape == (3, size, size)


def test_configs_build_on_official_layouts(tmp_path):
    raf = make_rafdb(tmp_path / 'raf', train=(1, 1, 2, 2, 3, 3, 7, 7))
    train, test = _build_loaders('rafdb', raf)
    _assert_quad_batch(next(iter(train)), 224)
    assert len(test.dataset) == 3

    codes = [0, 0, 1, 1, 6, 6, 7, 7, 9]
    make_affectnet_csv(tmp_path / 'an', codes)
    make_affectnet_csv(tmp_path / 'an', codes, split='val')
    for name, n in (('affectnet8', 8), ('affectnet7', 6)):
        train, test = _build_loaders(name, str(tmp_path / 'an'))
        _assert_quad_batch(next(iter(train)), 224)
        assert len(test.dataset) == n


def test_ferplus_config_builds(tmp_path):
    rows = [('Training', f'fer{i:07d}.png', np.eye(10, dtype=int)[i % 4] * 9)
            for i in range(8)] + [
                ('PublicTest', 'fer0000008.png', np.eye(10, dtype=int)[2] * 9),
                ('PrivateTest', 'fer0000009.png', np.eye(10, dtype=int)[5] * 9)
            ]
    fer, plus = make_ferplus_csvs(tmp_path / 'raw', rows)
    prepare_ferplus.main([fer, plus, str(tmp_path / 'fp')])
    train, test = _build_loaders('ferplus', str(tmp_path / 'fp'))
    _assert_quad_batch(next(iter(train)), 224)
    assert test.dataset.get_gt_labels().tolist() == [5]


@pytest.mark.skipif(not osp.isdir(CKPLUS), reason='no shared CK+48 data')
def test_ckplus_config_builds():
    train, test = _build_loaders('ckplus_folder', CKPLUS, image_check='exists')
    _assert_quad_batch(next(iter(train)), 224)
    assert test.dataset.metainfo['classes'][4] == 'happiness'
