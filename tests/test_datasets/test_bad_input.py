"""Bad input to the data sets and the FERPlus converter: every error
names the file, the line and what is wrong."""
import csv
import os
import os.path as osp

import pytest

from sqsnet_mm.datasets import RAFDB, AffectNet, FERFolder, FERPlus
from sqsnet_mm.datasets.image_check import check_images
from .layouts import (AFFECTNET_HEADER, CK_FILES, PIXELS, PREPARE_FERPLUS,
                      make_affectnet_csv, make_affectnet_npy,
                      make_ferplus, make_ferplus_csvs, make_folders,
                      make_rafdb, rafdb_label_file, write_csv)


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
    _append(rafdb_label_file(root), 'train_00008.jpg 8\n')
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
    _append(rafdb_label_file(root), 'val_0001.jpg 3\n')
    with pytest.raises(ValueError, match=r":11: image name 'val_0001.jpg'"):
        RAFDB(root)
    root = make_rafdb(tmp_path / 'raf2')
    _append(rafdb_label_file(root), 'train_00009.jpg\n')
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
        PREPARE_FERPLUS.convert_ferplus(fer, plus, str(tmp_path / 'out'))
    write_csv(fer, ['emotion', 'Usage'], [[0, 'Training']])
    with pytest.raises(ValueError, match=r"fer2013.csv: missing .*pixels"):
        PREPARE_FERPLUS.convert_ferplus(fer, plus, str(tmp_path / 'out'))


def test_ferplus_converter_mismatches(tmp_path):
    fer, plus = make_ferplus_csvs(tmp_path)
    rows = list(csv.reader(open(fer)))
    rows[3][2] = 'PublicTest'
    write_csv(fer, rows[0], rows[1:])
    with pytest.raises(ValueError, match=r'fer2013new.csv:4: Usage'):
        PREPARE_FERPLUS.convert_ferplus(fer, plus, str(tmp_path / 'out'))
    rows[3][2] = 'Training'
    rows[2][1] = '1 2 3'
    write_csv(fer, rows[0], rows[1:])
    with pytest.raises(ValueError, match=r'fer2013.csv:3: 3 pixels'):
        PREPARE_FERPLUS.convert_ferplus(fer, plus, str(tmp_path / 'out'))
    rows[2][1] = PIXELS
    write_csv(fer, rows[0], rows[1:4])
    with pytest.raises(ValueError, match=r'fer2013.csv has fewer rows'):
        PREPARE_FERPLUS.convert_ferplus(fer, plus, str(tmp_path / 'out'))


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
