"""AffectNet, in both its CSV and its per-image ``.npy`` distributions."""
import csv
import os
import os.path as osp
from collections import Counter
from typing import List, Optional

import numpy as np
from mmpretrain.registry import DATASETS

from .base_fer_dataset import BaseFERDataset
from .emotions import AFFECTNET_CLASSES

#: Names of the codes 8-10, which are not expressions and are dropped.
AFFECTNET_NON_EXPRESSIONS = {8: 'None', 9: 'Uncertain', 10: 'No-Face'}
#: Columns of the CSV distribution that the loader uses.
AFFECTNET_CSV_COLUMNS = ('subDirectory_filePath', 'face_x', 'face_y',
                         'face_width', 'face_height', 'expression')


@DATASETS.register_module()
class AffectNet(BaseFERDataset):
    """AffectNet (manually annotated part), 8 or 7 expression classes.

    Two official distributions are read as they are:

    - ``layout='csv'``::

          Manually_Annotated_file_lists/training.csv    # split 'train'
          Manually_Annotated_file_lists/validation.csv  # split 'val'
          Manually_Annotated_Images/<subDirectory_filePath>

      Columns: subDirectory_filePath, face_x, face_y, face_width,
      face_height, facial_landmarks, expression, valence, arousal. Each entry
      keeps its ``face_box`` (x1, y1, x2, y2) for the ``CropFaceBox``
      transform.
    - ``layout='npy'``::

          train_set/images/<id>.jpg
          train_set/annotations/<id>_exp.npy   # (also _val, _aro, _lnd)
          val_set/...

    ``layout='auto'`` picks whichever exists under ``data_root``.
    Expressions 0-7 are neutral, happiness, sadness, surprise, fear, disgust,
    anger, contempt. Codes 8-10 (None, Uncertain, No-Face) are dropped, and
    so is contempt when ``num_classes=7``; each is counted and logged. Any
    other code is an error naming the file and line.

    Args:
        data_root (str): AffectNet root folder.
        split (str): ``'train'`` or ``'val'`` (the usual test set).
        num_classes (int): 8 (default) or 7 (without contempt).
        layout (str): ``'auto'``, ``'csv'`` or ``'npy'``.
        ann_file (str, optional): CSV file relative to ``data_root``
            (``csv`` layout only). Defaults to the official one of the split.
        data_prefix (str, optional): Image folder (``csv``) or split folder
            (``npy``) relative to ``data_root``. Defaults to the official one.
        image_check (str): Load-time image check, see
            :class:`BaseFERDataset`.
        **kwargs: Passed to :class:`mmpretrain.datasets.BaseDataset`.
    """

    SPLITS = ('train', 'val')
    LAYOUTS = ('auto', 'csv', 'npy')
    METAINFO = {'classes': AFFECTNET_CLASSES}
    CSV_FILES = {
        'train': 'Manually_Annotated_file_lists/training.csv',
        'val': 'Manually_Annotated_file_lists/validation.csv',
    }
    CSV_IMAGES = 'Manually_Annotated_Images'
    NPY_FOLDERS = {'train': 'train_set', 'val': 'val_set'}

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 num_classes: int = 8,
                 layout: str = 'auto',
                 ann_file: Optional[str] = None,
                 data_prefix: Optional[str] = None,
                 image_check: str = 'quick',
                 **kwargs):
        if num_classes not in (7, 8):
            raise ValueError(
                f'AffectNet: num_classes must be 7 or 8, got {num_classes}')
        if layout not in self.LAYOUTS:
            raise ValueError(f'AffectNet: layout must be one of '
                             f'{self.LAYOUTS}, got {layout!r}')
        if split not in self.SPLITS:
            raise ValueError(f'AffectNet: split must be one of '
                             f'{self.SPLITS}, got {split!r}')
        if layout == 'auto':
            layout = self._detect_layout(data_root, split, ann_file)
        self.layout = layout
        self.num_classes = num_classes
        if layout == 'csv':
            ann_file = ann_file or self.CSV_FILES[split]
            data_prefix = data_prefix or self.CSV_IMAGES
        elif ann_file:
            raise ValueError('AffectNet: ann_file is only used with '
                             f"layout='csv', got {ann_file!r}")
        else:
            ann_file = ''
            data_prefix = data_prefix or self.NPY_FOLDERS[split]
        super().__init__(
            data_root,
            split,
            ann_file,
            data_prefix,
            image_check,
            metainfo=dict(classes=AFFECTNET_CLASSES[:num_classes]),
            **kwargs)

    @classmethod
    def _detect_layout(cls, data_root: str, split: str,
                       ann_file: Optional[str]) -> str:
        """Return ``'csv'`` or ``'npy'``, whichever ``data_root`` holds."""
        if not osp.isdir(data_root):
            raise FileNotFoundError(
                f'AffectNet[{split}]: data_root directory {data_root!r} '
                'does not exist')
        csv_file = osp.join(data_root, ann_file or cls.CSV_FILES[split])
        npy_dir = osp.join(data_root, cls.NPY_FOLDERS[split], 'annotations')
        if osp.isfile(csv_file):
            return 'csv'
        if osp.isdir(npy_dir):
            return 'npy'
        raise FileNotFoundError(
            f'AffectNet[{split}]: found neither {csv_file!r} (CSV layout) '
            f'nor {npy_dir!r} (npy layout)')

    def _expression(self, code: int, where: str, dropped: Counter) -> int:
        """Return the class of an expression code, or -1 if it is dropped."""
        if code in AFFECTNET_NON_EXPRESSIONS:
            dropped[f'expression {code} '
                    f'({AFFECTNET_NON_EXPRESSIONS[code]})'] += 1
            return -1
        if not 0 <= code < len(AFFECTNET_CLASSES):
            raise ValueError(
                f'{where}: expression {code} outside the codes 0-10')
        if code >= self.num_classes:
            dropped[f'expression {code} ({AFFECTNET_CLASSES[code]}, '
                    f'num_classes={self.num_classes})'] += 1
            return -1
        return code

    def load_data_list(self) -> List[dict]:
        """Read the split in its layout."""
        self._check_data_root()
        if self.layout == 'csv':
            return self._load_csv()
        return self._load_npy()

    def _load_csv(self) -> List[dict]:
        self._require(self.ann_file, 'annotation')
        data_list, line_nos, dropped = [], [], Counter()
        with open(self.ann_file, newline='', encoding='utf-8') as f:
            reader = csv.DictReader(f)
            missing = [
                c for c in AFFECTNET_CSV_COLUMNS
                if c not in (reader.fieldnames or ())
            ]
            if missing:
                raise ValueError(
                    f'{self.ann_file}: missing column(s) {missing}; header '
                    f'is {reader.fieldnames}')
            for row in reader:
                line_no = reader.line_num
                where = f'{self.ann_file}:{line_no}'
                try:
                    code = int(row['expression'])
                    x, y, w, h = (
                        int(float(row[c]))
                        for c in ('face_x', 'face_y', 'face_width',
                                  'face_height'))
                except (TypeError, ValueError):
                    raise ValueError(
                        f'{where}: expression and face box must be numbers, '
                        f'got {row}')
                label = self._expression(code, where, dropped)
                if label < 0:
                    continue
                if w <= 0 or h <= 0:
                    raise ValueError(
                        f'{where}: empty face box width={w} height={h}')
                data_list.append(
                    dict(
                        img_path=osp.join(self.img_prefix,
                                          row['subDirectory_filePath']),
                        gt_label=label,
                        face_box=(x, y, x + w, y + h)))
                line_nos.append(line_no)
        return self._finish(data_list,
                            lambda i: f'{self.ann_file}:{line_nos[i]}',
                            self.ann_file, dropped)

    def _load_npy(self) -> List[dict]:
        ann_dir = osp.join(self.img_prefix, 'annotations')
        self._require(ann_dir, 'annotation', is_dir=True)
        suffix = '_exp.npy'
        ids = [
            n[:-len(suffix)] for n in os.listdir(ann_dir) if n.endswith(suffix)
        ]
        ids.sort(
            key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else 0, s))
        data_list, npy_files, dropped = [], [], Counter()
        for image_id in ids:
            npy_file = osp.join(ann_dir, image_id + suffix)
            try:
                code = int(np.load(npy_file).item())
            except (ValueError, OSError) as e:
                raise ValueError(
                    f'{npy_file}: cannot read an expression code ({e})')
            label = self._expression(code, npy_file, dropped)
            if label < 0:
                continue
            data_list.append(
                dict(
                    img_path=osp.join(self.img_prefix, 'images',
                                      image_id + '.jpg'),
                    gt_label=label))
            npy_files.append(npy_file)
        return self._finish(data_list, lambda i: npy_files[i], ann_dir,
                            dropped)
