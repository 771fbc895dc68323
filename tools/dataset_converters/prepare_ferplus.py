"""Build FERPlus from ``fer2013.csv`` and ``fer2013new.csv``.

Writes Microsoft's layout (as ``generate_training_data.py`` of
https://github.com/microsoft/FERPlus, plus the ``label.csv`` files)::

    OUT_DIR/FER2013Train/fer0000000.png ...  + label.csv   (Training)
    OUT_DIR/FER2013Valid/...                 + label.csv   (PublicTest)
    OUT_DIR/FER2013Test/...                  + label.csv   (PrivateTest)

``label.csv`` rows: image name, face box, then the 10 vote counts (neutral,
happiness, surprise, sadness, anger, disgust, fear, contempt, unknown, NF).
Rows of ``fer2013new.csv`` without an image name (removed by the FERPlus
annotators) are skipped and counted. Any mismatch between the two files is
an error naming the line.

Example::

    python tools/dataset_converters/prepare_ferplus.py \\
        fer2013/fer2013.csv FERPlus/fer2013new.csv data/ferplus
"""
import argparse
import csv
import os
import os.path as osp
from collections import Counter
from itertools import zip_longest
from typing import Dict, List

import cv2
import numpy as np

from sqsnet_mm.datasets.ferplus import (FERPLUS_SPLIT_FOLDERS,
                                        FERPLUS_VOTE_COLUMNS)

FER_COLUMNS = ('emotion', 'pixels', 'Usage')
FERPLUS_COLUMNS = ('Usage', 'Image name') + FERPLUS_VOTE_COLUMNS
USAGE_SPLITS = {
    'Training': 'train',
    'PublicTest': 'val',
    'PrivateTest': 'test'
}
IMAGE_SIDE = 48


def _reader(path: str, columns: tuple, f) -> csv.DictReader:
    """A DictReader on ``f`` that has all ``columns``."""
    reader = csv.DictReader(f)
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f'{path}: missing column(s) {missing}; header is '
                         f'{reader.fieldnames}')
    return reader


def _pixels(text: str, where: str) -> np.ndarray:
    """The 48x48 grey image of a ``pixels`` cell."""
    try:
        values = np.array(text.split(), dtype=np.int64)
    except ValueError:
        raise ValueError(f'{where}: pixels are not all integers')
    if values.size != IMAGE_SIDE * IMAGE_SIDE:
        raise ValueError(f'{where}: {values.size} pixels, expected '
                         f'{IMAGE_SIDE * IMAGE_SIDE}')
    if values.min() < 0 or values.max() > 255:
        raise ValueError(f'{where}: pixel values outside 0..255')
    return values.astype(np.uint8).reshape(IMAGE_SIDE, IMAGE_SIDE)


def convert_ferplus(fer_csv: str, ferplus_csv: str,
                    out_dir: str) -> Dict[str, int]:
    """Write the FERPlus images and label files.

    Args:
        fer_csv (str): ``fer2013.csv`` (emotion, pixels, Usage).
        ferplus_csv (str): ``fer2013new.csv`` (Usage, Image name, votes).
        out_dir (str): Output folder.

    Returns:
        dict: Images written per split and rows skipped.
    """
    for path in (fer_csv, ferplus_csv):
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} does not exist')
    rows: Dict[str, List[list]] = {s: [] for s in FERPLUS_SPLIT_FOLDERS}
    for split, folder in FERPLUS_SPLIT_FOLDERS.items():
        os.makedirs(osp.join(out_dir, folder), exist_ok=True)
    counts = Counter()
    with open(fer_csv, newline='') as f1, open(ferplus_csv, newline='') as f2:
        fer = _reader(fer_csv, FER_COLUMNS, f1)
        plus = _reader(ferplus_csv, FERPLUS_COLUMNS, f2)
        for row, new in zip_longest(fer, plus):
            if row is None or new is None:
                short = fer_csv if row is None else ferplus_csv
                raise ValueError(
                    f'{short} has fewer rows than the other file (after '
                    f'line {fer.line_num if row is None else plus.line_num})')
            where = f'{fer_csv}:{fer.line_num}'
            where_new = f'{ferplus_csv}:{plus.line_num}'
            usage = row['Usage']
            if usage not in USAGE_SPLITS:
                raise ValueError(f'{where}: Usage {usage!r} is not one of '
                                 f'{list(USAGE_SPLITS)}')
            if new['Usage'] != usage:
                raise ValueError(f'{where_new}: Usage {new["Usage"]!r} does '
                                 f'not match {usage!r} at {where}')
            name = (new['Image name'] or '').strip()
            if not name:
                counts['skipped (no image name in fer2013new.csv)'] += 1
                continue
            try:
                votes = [int(new[c]) for c in FERPLUS_VOTE_COLUMNS]
            except (TypeError, ValueError):
                raise ValueError(f'{where_new}: vote counts are not all '
                                 'integers')
            split = USAGE_SPLITS[usage]
            image = _pixels(row['pixels'] or '', where)
            path = osp.join(out_dir, FERPLUS_SPLIT_FOLDERS[split], name)
            if not cv2.imwrite(path, image):
                raise OSError(f'could not write {path}')
            rows[split].append([name, f'(0, 0, {IMAGE_SIDE}, {IMAGE_SIDE})'] +
                               votes)
    for split, folder in FERPLUS_SPLIT_FOLDERS.items():
        with open(
                osp.join(out_dir, folder, 'label.csv'), 'w', newline='') as f:
            csv.writer(f).writerows(rows[split])
        counts[split] = len(rows[split])
    return dict(counts)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description='Write FERPlus images and label files from fer2013.csv '
        'and fer2013new.csv.')
    parser.add_argument('fer_csv', help='fer2013.csv')
    parser.add_argument('ferplus_csv', help='fer2013new.csv')
    parser.add_argument('out_dir', help='output folder, e.g. data/ferplus')
    args = parser.parse_args(argv)
    counts = convert_ferplus(args.fer_csv, args.ferplus_csv, args.out_dir)
    print(', '.join(f'{k}: {v}' for k, v in counts.items()))


if __name__ == '__main__':
    main()
