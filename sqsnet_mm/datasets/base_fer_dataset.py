"""Behaviour shared by the FER data sets: checks, drop counts, labels."""
import os.path as osp
from collections import Counter
from typing import Callable, List, Sequence, Tuple, Union

import numpy as np
from mmengine.logging import print_log
from mmpretrain.datasets import BaseDataset

from .image_check import IMAGE_CHECKS, check_images


class BaseFERDataset(BaseDataset):
    """Base class of the FER data sets.

    Subclasses read their official annotation files in ``load_data_list`` and
    end it with :meth:`_finish`, which checks the listed images, refuses an
    empty split and logs how many entries were loaded and how many were
    dropped, by reason (also kept in :attr:`drop_counts`).

    Args:
        data_root (str): The data set's root folder.
        split (str): Which split to load, one of the class's ``SPLITS``.
        ann_file (str): Annotation file relative to ``data_root``, or ``''``
            where the data set has none. Defaults to ``''``.
        data_prefix (str): Image folder relative to ``data_root``.
            Defaults to ``''``.
        image_check (str): Load-time image check, one of ``'exists'``,
            ``'quick'`` and ``'decode'`` (see
            :mod:`sqsnet_mm.datasets.image_check`). Defaults to ``'quick'``.
        **kwargs: Passed to :class:`mmpretrain.datasets.BaseDataset`.
    """

    SPLITS: Tuple[str, ...] = ('train', 'test')

    def __init__(self,
                 data_root: str,
                 split: str,
                 ann_file: str = '',
                 data_prefix: str = '',
                 image_check: str = 'quick',
                 **kwargs):
        if split not in self.SPLITS:
            raise ValueError(f'{type(self).__name__}: split must be one of '
                             f'{self.SPLITS}, got {split!r}')
        if image_check not in IMAGE_CHECKS:
            raise ValueError(f'{type(self).__name__}: image_check must be '
                             f'one of {IMAGE_CHECKS}, got {image_check!r}')
        self.split = split
        self.image_check = image_check
        self.drop_counts: Counter = Counter()
        self._gt_labels = None
        super().__init__(
            data_root=data_root,
            ann_file=ann_file,
            data_prefix=data_prefix,
            **kwargs)

    @property
    def _name(self) -> str:
        return f'{type(self).__name__}[{self.split}]'

    def _require(self, path: str, what: str, is_dir: bool = False) -> None:
        """Raise FileNotFoundError naming ``path`` if it does not exist."""
        exists = osp.isdir(path) if is_dir else osp.isfile(path)
        if not exists:
            kind = 'directory' if is_dir else 'file'
            raise FileNotFoundError(
                f'{self._name}: {what} {kind} {path!r} does not exist')

    def _check_data_root(self) -> None:
        """Raise if ``data_root`` is set but is not a directory."""
        if self.data_root:
            self._require(self.data_root, 'data_root', is_dir=True)

    def _parse_label(self, value: str, where: str, first: int = 0) -> int:
        """Parse a label counted from ``first`` into ``0..num_classes-1``.

        Args:
            value (str): The label as written in the annotation file.
            where (str): ``file:line`` (or file) for the error message.
            first (int): The file's first label, e.g. 1 for RAF-DB.
        """
        num_classes = len(self.CLASSES)
        try:
            label = int(value)
        except (TypeError, ValueError):
            raise ValueError(f'{where}: label {value!r} is not an integer')
        if not first <= label < first + num_classes:
            raise ValueError(
                f'{where}: label {label} outside the class range '
                f'{first}..{first + num_classes - 1} of {self._name}')
        return label - first

    def _finish(self, data_list: List[dict], where: Callable[[int], str],
                source: str, dropped: Counter) -> List[dict]:
        """Check the images, refuse an empty split, log the drop counts.

        Args:
            data_list (list[dict]): Entries with an ``img_path`` each.
            where (Callable[[int], str]): Where entry ``i`` was listed.
            source (str): The annotation file or folder, for the log.
            dropped (Counter): Dropped entries by reason.

        Returns:
            list[dict]: ``data_list`` unchanged.
        """
        self.drop_counts = Counter(dropped)
        total_dropped = sum(dropped.values())
        if not data_list:
            detail = (f' ({total_dropped} dropped: {dict(dropped)})'
                      if total_dropped else '')
            raise ValueError(
                f'{self._name}: empty split, no images in {source}{detail}')
        check_images([info['img_path'] for info in data_list], where,
                     self.image_check)
        reasons = ', '.join(f'{reason}: {n}'
                            for reason, n in sorted(dropped.items()))
        print_log(
            f'{self._name}: loaded {len(data_list)} images from {source}; '
            f'dropped {total_dropped}' + (f' ({reasons})' if reasons else ''),
            logger='current')
        return data_list

    def _serialize_data(self):
        """Keep the labels as an array before the entries are serialized."""
        self._gt_labels = self._labels_of(self.data_list)
        return super()._serialize_data()

    @staticmethod
    def _labels_of(data_list: List[dict]) -> np.ndarray:
        return np.fromiter((info['gt_label'] for info in data_list),
                           dtype=np.int64,
                           count=len(data_list))

    def get_gt_labels(self) -> np.ndarray:
        """All ground-truth class indices, without deserializing each entry
        (300,000 entries in milliseconds, for :class:`QuadSampler`).

        Returns:
            np.ndarray: ``int64`` array of length ``len(self)``.
        """
        if self._gt_labels is None:
            self._gt_labels = (
                np.asarray(super().get_gt_labels(), dtype=np.int64)
                if self.serialize_data else self._labels_of(self.data_list))
        return self._gt_labels

    def get_subset_(self, indices: Union[Sequence[int], int]) -> None:
        """Keep a subset in place and forget the cached labels."""
        super().get_subset_(indices)
        self._gt_labels = None
