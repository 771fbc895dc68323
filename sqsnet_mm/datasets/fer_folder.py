"""Any FER set stored as one folder per class, with subject-wise folds."""
import os.path as osp
import re
from collections import Counter
from typing import List, Optional, Sequence

import numpy as np
from mmpretrain.datasets.custom import find_folders, get_samples
from mmpretrain.registry import DATASETS

from .base_fer_dataset import BaseFERDataset
from .emotions import canonical_emotion


@DATASETS.register_module()
class FERFolder(BaseFERDataset):
    """A FER data set laid out as one folder per class (e.g. CK+48).

    Layout::

        data_root/anger/S010_004_00000017.png
        data_root/happy/...

    Folder names are emotion names or aliases (``happy``, ``sad`` ...) and
    become canonical class names; an unknown name is an error naming the
    folder. The class order is ``classes`` (or ``metainfo['classes']``) when
    given, in which case the folders must be exactly those classes, else the
    sorted folder order. Files without an image extension are dropped,
    counted and logged.

    Subject-independent k-fold splits: with ``subject_regex`` and
    ``num_folds``, the subjects (the regex's first matching group, or else
    its whole match, searched in each file name) are sorted, shuffled with
    ``fold_seed`` and cut into ``num_folds`` folds of near-equal subject
    counts. ``split='test'``
    is fold ``fold``, ``split='train'`` all the other folds, so no subject is
    ever on both sides. A file whose name does not match is an error. Every
    entry keeps its ``subject``.

    Args:
        data_root (str): The folder holding one folder per class.
        split (str): ``'all'`` (default, no folds), ``'train'`` or ``'test'``.
        subject_regex (str, optional): Regex giving the subject of a file
            name, e.g. ``r'^(S\\d+)_'`` for CK+.
        num_folds (int, optional): Number of subject folds.
        fold (int, optional): The test fold, ``0..num_folds-1``.
        fold_seed (int): Seed of the subject shuffle. Defaults to 0.
        extensions (Sequence[str]): Image extensions.
        image_check (str): Load-time image check, see
            :class:`BaseFERDataset`.
        **kwargs: Passed to :class:`mmpretrain.datasets.BaseDataset`
            (e.g. ``classes``).
    """

    SPLITS = ('all', 'train', 'test')

    def __init__(self,
                 data_root: str,
                 split: str = 'all',
                 subject_regex: Optional[str] = None,
                 num_folds: Optional[int] = None,
                 fold: Optional[int] = None,
                 fold_seed: int = 0,
                 extensions: Sequence[str] = ('.jpg', '.jpeg', '.png', '.bmp',
                                              '.pgm', '.tif'),
                 image_check: str = 'quick',
                 **kwargs):
        folds_given = (subject_regex is not None, num_folds is not None, fold
                       is not None)
        if any(folds_given) and not all(folds_given):
            raise ValueError('FERFolder: subject_regex, num_folds and fold '
                             'must be given together')
        if all(folds_given):
            if split == 'all':
                raise ValueError("FERFolder: with subject folds, split must "
                                 "be 'train' or 'test'")
            if num_folds < 2 or not 0 <= fold < num_folds:
                raise ValueError(f'FERFolder: need num_folds >= 2 and 0 <= '
                                 f'fold < num_folds, got num_folds='
                                 f'{num_folds}, fold={fold}')
        elif split != 'all':
            raise ValueError(f'FERFolder: split {split!r} needs '
                             'subject_regex, num_folds and fold')
        self.subject_regex = subject_regex
        self.num_folds = num_folds
        self.fold = fold
        self.fold_seed = fold_seed
        self.extensions = tuple(e.lower() for e in extensions)
        super().__init__(data_root, split, image_check=image_check, **kwargs)

    def _class_of_folders(self, folders: List[str]) -> List[int]:
        """Class index of each folder; sets ``classes`` if not given."""
        names = []
        for folder in folders:
            try:
                names.append(canonical_emotion(folder))
            except ValueError as e:
                raise ValueError(
                    f'{osp.join(self.data_root, folder)}: folder name is '
                    f'not an emotion ({e})')
        if self.CLASSES is None:
            self._metainfo['classes'] = tuple(names)
            return list(range(len(names)))
        classes = tuple(canonical_emotion(c) for c in self.CLASSES)
        if sorted(classes) != sorted(names):
            raise ValueError(
                f'{self.data_root}: class folders {folders} do not match '
                f'the classes {self.CLASSES}')
        self._metainfo['classes'] = classes
        return [classes.index(n) for n in names]

    def _subject_folds(self, subjects: List[str]) -> set:
        """Subjects of the selected split."""
        unique = sorted(set(subjects))
        if len(unique) < self.num_folds:
            raise ValueError(
                f'{self.data_root}: {len(unique)} subjects cannot make '
                f'{self.num_folds} subject folds')
        order = np.random.default_rng(self.fold_seed).permutation(len(unique))
        test = {
            unique[i]
            for i in np.array_split(order, self.num_folds)[self.fold]
        }
        return test if self.split == 'test' else set(unique) - test

    def load_data_list(self) -> List[dict]:
        """List the class folders and apply the subject split."""
        self._require(self.data_root, 'data_root', is_dir=True)
        folders, folder_to_idx = find_folders(self.data_root)
        if not folders:
            raise ValueError(
                f'{self._name}: no class folders in {self.data_root!r}')
        labels = dict(zip(folders, self._class_of_folders(folders)))
        dropped = Counter()

        def is_image(name: str) -> bool:
            if name.lower().endswith(self.extensions):
                return True
            dropped['not an image file (extension)'] += 1
            return False

        samples, empty = get_samples(self.data_root, folder_to_idx, is_image)
        if empty:
            raise ValueError(f'{self._name}: class folder(s) {sorted(empty)} '
                             f'under {self.data_root!r} hold no image')
        data_list = []
        for rel_path, folder_idx in samples:
            info = dict(
                img_path=osp.join(self.data_root, rel_path),
                gt_label=labels[folders[folder_idx]])
            if self.subject_regex is not None:
                match = re.search(self.subject_regex, osp.basename(rel_path))
                if match is None:
                    raise ValueError(
                        f'{info["img_path"]}: file name does not match '
                        f'subject_regex {self.subject_regex!r}')
                info['subject'] = next((g for g in match.groups() if g),
                                       match.group(0))
            data_list.append(info)
        if self.subject_regex is not None:
            keep = self._subject_folds([d['subject'] for d in data_list])
            data_list = [d for d in data_list if d['subject'] in keep]
        source = self.data_root
        if self.subject_regex is not None:
            source += (f' (subject fold {self.fold} of {self.num_folds}, '
                       f'{len({d["subject"] for d in data_list})} subjects)')
        return self._finish(data_list, lambda i: data_list[i]['img_path'],
                            source, dropped)
