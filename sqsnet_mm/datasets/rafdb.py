"""RAF-DB basic expression set, read from its distributed layout."""
import os.path as osp
from collections import Counter
from typing import List, Optional

from mmpretrain.registry import DATASETS

from .base_fer_dataset import BaseFERDataset
from .emotions import RAFDB_CLASSES


@DATASETS.register_module()
class RAFDB(BaseFERDataset):
    """RAF-DB basic set (7 classes) as distributed, no reshuffling needed.

    Layout under ``data_root``::

        EmoLabel/list_patition_label.txt   # "train_00001.jpg 5" per line
        Image/aligned/train_00001_aligned.jpg
        Image/original/train_00001.jpg     # only for image_type='original'

    Labels 1-7 are surprise, fear, disgust, happiness, sadness, anger,
    neutral, mapped to 0-6. The split is the file name prefix (``train_`` or
    ``test_``); any other prefix, a malformed line or a label outside 1-7 is
    an error naming the line.

    Args:
        data_root (str): The RAF-DB ``basic`` folder.
        split (str): ``'train'`` (12,271 images) or ``'test'`` (3,068).
        image_type (str): ``'aligned'`` (100x100 aligned faces, the usual
            choice) or ``'original'`` (the full images).
        ann_file (str): Label file, relative to ``data_root``.
        data_prefix (str, optional): Image folder, relative to ``data_root``.
            Defaults to ``Image/<image_type>``.
        image_check (str): Load-time image check, see
            :class:`BaseFERDataset`.
        **kwargs: Passed to :class:`mmpretrain.datasets.BaseDataset`.
    """

    METAINFO = {'classes': RAFDB_CLASSES}
    IMAGE_TYPES = ('aligned', 'original')

    def __init__(self,
                 data_root: str,
                 split: str = 'train',
                 image_type: str = 'aligned',
                 ann_file: str = 'EmoLabel/list_patition_label.txt',
                 data_prefix: Optional[str] = None,
                 image_check: str = 'quick',
                 **kwargs):
        if image_type not in self.IMAGE_TYPES:
            raise ValueError(f'RAFDB: image_type must be one of '
                             f'{self.IMAGE_TYPES}, got {image_type!r}')
        self.image_type = image_type
        if data_prefix is None:
            data_prefix = f'Image/{image_type}'
        super().__init__(data_root, split, ann_file, data_prefix, image_check,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split's entries from ``list_patition_label.txt``."""
        self._check_data_root()
        self._require(self.ann_file, 'label')
        data_list, line_nos = [], []
        with open(self.ann_file, encoding='utf-8') as f:
            for line_no, line in enumerate(f, 1):
                fields = line.split()
                if not fields:
                    continue
                where = f'{self.ann_file}:{line_no}'
                if len(fields) != 2:
                    raise ValueError(f'{where}: expected "<image> <label>", '
                                     f'got {line.strip()!r}')
                name, label = fields
                stem, ext = osp.splitext(name)
                prefix = stem.split('_', 1)[0]
                if prefix not in self.SPLITS:
                    raise ValueError(
                        f'{where}: image name {name!r} does not start with '
                        f'one of {[s + "_" for s in self.SPLITS]}')
                gt_label = self._parse_label(label, where, first=1)
                if prefix != self.split:
                    continue
                if self.image_type == 'aligned':
                    name = f'{stem}_aligned{ext}'
                data_list.append(
                    dict(
                        img_path=osp.join(self.img_prefix, name),
                        gt_label=gt_label))
                line_nos.append(line_no)
        return self._finish(data_list,
                            lambda i: f'{self.ann_file}:{line_nos[i]}',
                            self.ann_file, Counter())
