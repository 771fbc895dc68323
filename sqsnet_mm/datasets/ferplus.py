"""FERPlus (FER2013 images relabelled by 10 annotators each)."""
import csv
import os.path as osp
import sys
from collections import Counter
from typing import List, Optional, Sequence

import numpy as np
from mmpretrain.registry import DATASETS

from .base_fer_dataset import BaseFERDataset
from .emotions import FERPLUS_CLASSES

#: Vote columns of ``fer2013new.csv`` and of Microsoft's ``label.csv``.
FERPLUS_VOTE_COLUMNS = FERPLUS_CLASSES + ('unknown', 'NF')
#: Folder of each split in Microsoft's layout (``generate_training_data.py``).
FERPLUS_SPLIT_FOLDERS = {
    'train': 'FER2013Train',
    'val': 'FER2013Valid',
    'test': 'FER2013Test',
}
LABEL_MODES = ('majority', 'probability')


def ferplus_target(votes: Sequence[float],
                   label_mode: str = 'majority') -> Optional[np.ndarray]:
    """Turn the 10 vote counts of one image into a target distribution.

    A line-by-line port of ``FERPlusReader._process_data`` in Microsoft's
    FERPlus code (https://github.com/microsoft/FERPlus, src/ferplus.py).
    Emotions with a single vote are zeroed first (outlier removal).

    - ``majority``: one-hot on the top emotion if it holds more than half of
      the remaining votes.
    - ``probability``: the top emotions (at most 3, ties taken together)
      until they hold 75% of the votes, stopping at ``unknown`` or ``NF``;
      kept if they hold more than half of the votes, normalised.

    Args:
        votes (Sequence[float]): Counts for neutral, happiness, surprise,
            sadness, anger, disgust, fear, contempt, unknown, NF.
        label_mode (str): ``'majority'`` or ``'probability'``.

    Returns:
        np.ndarray | None: A distribution over the 10 columns, or None where
        Microsoft's code forces the image to ``unknown`` (no agreement).
    """
    raw = np.array(votes, dtype=np.float64)
    raw[raw < 1.0 + sys.float_info.epsilon] = 0.0
    total = raw.sum()
    emotion = np.zeros_like(raw)
    if label_mode == 'majority':
        if raw.max() <= 0.5 * total:
            return None
        emotion[np.argmax(raw)] = 1.0
        return emotion
    if label_mode != 'probability':
        raise ValueError(
            f'label_mode must be one of {LABEL_MODES}, got {label_mode!r}')
    sum_part, count, valid = 0.0, 0, True
    while sum_part < 0.75 * total and count < 3 and valid:
        max_val = raw.max()
        for i in range(len(raw)):
            if raw[i] == max_val:
                emotion[i] = max_val
                raw[i] = 0.0
                sum_part += emotion[i]
                count += 1
                if i >= len(FERPLUS_CLASSES):  # unknown or NF
                    valid = False
                    if emotion.sum() > max_val:  # emotions came first
                        emotion[i] = 0.0
                        count -= 1
                    break
    if emotion.sum() <= 0.5 * total or count > 3:
        return None
    return emotion / emotion.sum()


@DATASETS.register_module()
class FERPlus(BaseFERDataset):
    """FERPlus in Microsoft's layout, with its label modes.

    Layout under ``data_root`` (written by
    ``tools/dataset_converters/prepare_ferplus.py`` from ``fer2013.csv`` and
    ``fer2013new.csv``, or by Microsoft's ``generate_training_data.py``)::

        FER2013Train/label.csv   # fer0000000.png,"(0, 0, 48, 48)",4,0,...
        FER2013Train/fer0000000.png
        FER2013Valid/...         # PublicTest
        FER2013Test/...          # PrivateTest

    Each ``label.csv`` row is the image name, the face box and the 10 vote
    counts (see :data:`FERPLUS_VOTE_COLUMNS`). Targets follow
    :func:`ferplus_target`. Dropped, counted and logged: images without
    agreement, images whose top class is ``unknown`` or ``NF`` and, with
    ``num_classes=7``, images whose top class is contempt.

    In ``probability`` mode every entry has ``gt_score`` (the soft target
    over the kept classes, which MMPretrain's heads use as the loss target;
    with ``num_classes=7`` the contempt share is removed and the rest
    renormalised) and ``gt_label``, its argmax, used by metrics and by
    :class:`QuadSampler`. Microsoft's ``probability`` mode draws a one-hot
    label from this distribution at every iteration; the soft target is its
    expectation (their ``crossentropy`` mode).

    Args:
        data_root (str): Folder holding the three split folders.
        split (str): ``'train'``, ``'val'`` (PublicTest) or ``'test'``
            (PrivateTest).
        label_mode (str): ``'majority'`` (default) or ``'probability'``.
        num_classes (int): 8 (with contempt, default) or 7.
        image_check (str): Load-time image check, see
            :class:`BaseFERDataset`.
        **kwargs: Passed to :class:`mmpretrain.datasets.BaseDataset`.
    """

    SPLITS = tuple(FERPLUS_SPLIT_FOLDERS)
    METAINFO = {'classes': FERPLUS_CLASSES}

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 label_mode: str = 'majority',
                 num_classes: int = 8,
                 image_check: str = 'quick',
                 **kwargs):
        if label_mode not in LABEL_MODES:
            raise ValueError(f'FERPlus: label_mode must be one of '
                             f'{LABEL_MODES}, got {label_mode!r}')
        if num_classes not in (7, 8):
            raise ValueError(
                f'FERPlus: num_classes must be 7 or 8, got {num_classes}')
        self.label_mode = label_mode
        self.num_classes = num_classes
        folder = FERPLUS_SPLIT_FOLDERS.get(split, '')
        super().__init__(
            data_root,
            split,
            osp.join(folder, 'label.csv'),
            folder,
            image_check,
            metainfo=dict(classes=FERPLUS_CLASSES[:num_classes]),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split's ``label.csv`` and apply the label mode."""
        self._check_data_root()
        self._require(self.ann_file, 'label')
        num_votes = len(FERPLUS_VOTE_COLUMNS)
        data_list, line_nos, dropped = [], [], Counter()
        with open(self.ann_file, newline='', encoding='utf-8') as f:
            for line_no, row in enumerate(csv.reader(f), 1):
                if not row:
                    continue
                where = f'{self.ann_file}:{line_no}'
                if len(row) != 2 + num_votes or not row[0].strip():
                    raise ValueError(
                        f'{where}: expected image name, face box and '
                        f'{num_votes} vote counts, got {row}')
                try:
                    votes = [float(v) for v in row[2:]]
                except ValueError:
                    raise ValueError(f'{where}: vote counts {row[2:]} are '
                                     'not all numbers')
                if min(votes) < 0:
                    raise ValueError(
                        f'{where}: negative vote count in {row[2:]}')
                target = ferplus_target(votes, self.label_mode)
                if target is None:
                    dropped[f'without {self.label_mode} agreement'] += 1
                    continue
                top = int(np.argmax(target))
                if top >= self.num_classes:
                    dropped[f'top class {FERPLUS_VOTE_COLUMNS[top]}'] += 1
                    continue
                info = dict(
                    img_path=osp.join(self.img_prefix, row[0].strip()),
                    gt_label=top)
                if self.label_mode == 'probability':
                    score = target[:self.num_classes]
                    info['gt_score'] = (score / score.sum()).astype(np.float32)
                data_list.append(info)
                line_nos.append(line_no)
        return self._finish(data_list,
                            lambda i: f'{self.ann_file}:{line_nos[i]}',
                            self.ann_file, dropped)
