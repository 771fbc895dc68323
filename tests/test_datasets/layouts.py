"""Tiny data sets in each data set's official layout, written under a
test's ``tmp_path`` (nothing is downloaded)."""
import csv
import os
import os.path as osp

import cv2
import numpy as np

from sqsnet_mm.datasets import FERPLUS_CLASSES, AffectNet
from ..utils import load_script

PREPARE_FERPLUS = load_script('tools/dataset_converters/prepare_ferplus.py')


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
    PREPARE_FERPLUS.convert_ferplus(fer, plus, osp.join(root, 'ferplus'))
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


def rafdb_label_file(root):
    return osp.join(root, 'EmoLabel', 'list_patition_label.txt')

