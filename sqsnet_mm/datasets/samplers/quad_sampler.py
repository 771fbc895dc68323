"""Sampler of the anchor / positive / negative / negative quads of SQS."""
import math
from typing import Iterator, Optional, Sequence, Sized

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.logging import print_log
from mmpretrain.registry import DATA_SAMPLERS
from torch.utils.data import Sampler


def _labels_of(dataset: Sized) -> np.ndarray:
    """Class index of every image of ``dataset``, from ``get_gt_labels``.

    Soft or one-hot labels (a 2-D array) count as their argmax class.
    """
    if not hasattr(dataset, 'get_gt_labels'):
        raise TypeError(f'QuadSampler needs a data set with get_gt_labels(), '
                        f'got {type(dataset).__name__}')
    labels = np.asarray(dataset.get_gt_labels())
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)
    if labels.ndim != 1 or len(labels) != len(dataset):
        raise ValueError(
            f'QuadSampler: get_gt_labels() of {type(dataset).__name__} gave '
            f'shape {labels.shape}, expected ({len(dataset)},)')
    return labels.astype(np.int64)


@DATA_SAMPLERS.register_module()
class QuadSampler(Sampler):
    """Yield quads (anchor, positive, negative 1, negative 2) for SQS.

    Used in place of ``DefaultSampler``; with a batch size of ``4 * k`` each
    batch holds ``k`` quads in order (sec 3.3 of the paper: the positive
    shares the anchor's class and is another image; the two negatives come
    from two different classes, neither the anchor's).

    Per epoch, with ``M`` anchors (``len(dataset)`` unless ``num_anchors``):

    - Anchors: every image once per epoch (a seeded permutation if
      ``shuffle``, else the data set order, repeated when ``M`` exceeds the
      data set). With ``class_balanced``, each anchor's class is drawn
      uniformly over the classes, then its image uniformly within the class.
    - Positive: uniform over the other images of the anchor's class.
    - Negatives: uniform over the images of the other classes, the second
      from neither the anchor's nor the first negative's class (so classes
      are drawn in proportion to their size); with ``class_balanced`` the two
      classes are drawn uniformly among the other classes, then an image
      uniformly within each.

    Everything is drawn with NumPy from the pair ``(seed, epoch)`` (call
    :meth:`set_epoch`), so an epoch is reproducible and the same on every
    rank. An epoch yields ``4 * M`` images, four per anchor. Under
    distributed training the epoch's quads are padded (by repeating its first
    quads) to a multiple of the world size and rank ``r`` takes quads
    ``r, r + world_size, ...``: the ranks are disjoint and
    together cover the epoch, as with ``DefaultSampler``.

    Labels come from ``dataset.get_gt_labels()``; a soft label counts as its
    argmax class (FERPlus ``probability`` mode). Classes with no image are
    never drawn (and are logged). Edge cases raise a ``ValueError`` at
    construction: a class with a single image (it has no positive; the error
    names the class) and fewer than three classes with images (no two
    distinct negative classes).

    Args:
        dataset (Sized): The data set, with ``get_gt_labels()``.
        shuffle (bool): Shuffle the anchors. Defaults to True.
        seed (int, optional): Random seed (>= 0), identical on all ranks.
            Defaults to None, a seed synchronised across ranks.
        class_balanced (bool): Draw anchor and negative classes uniformly
            over the classes. Defaults to False.
        num_anchors (int, optional): Anchors (quads) per epoch over all
            ranks. Defaults to None, ``len(dataset)``.
    """

    def __init__(self,
                 dataset: Sized,
                 shuffle: bool = True,
                 seed: Optional[int] = None,
                 class_balanced: bool = False,
                 num_anchors: Optional[int] = None) -> None:
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        if self.seed < 0:
            raise ValueError(f'QuadSampler: seed must be >= 0, got {seed}')
        self.class_balanced = class_balanced
        self.epoch = 0
        if num_anchors is not None and num_anchors < 1:
            raise ValueError(
                f'QuadSampler: num_anchors must be >= 1, got {num_anchors}')
        labels = _labels_of(dataset)
        self.num_anchors = len(labels) if num_anchors is None else num_anchors
        self._index_classes(
            labels,
            dataset.metainfo.get('classes')
            if hasattr(dataset, 'metainfo') else None)
        self.num_quads = math.ceil(self.num_anchors / self.world_size)

    def _index_classes(self, labels: np.ndarray,
                       class_names: Optional[Sequence[str]]) -> None:
        """Sort the images by class and check the edge cases."""

        def name(c: int) -> str:
            if class_names is not None and 0 <= c < len(class_names):
                return f'{c} ({class_names[c]})'
            return str(c)

        self._order = np.argsort(labels, kind='stable')
        self._classes, self._starts, self._counts = np.unique(
            labels[self._order], return_index=True, return_counts=True)
        self._class_pos = np.searchsorted(self._classes, labels)
        self._rank_in_class = np.empty_like(labels)
        self._rank_in_class[self._order] = (
            np.arange(len(labels)) - np.repeat(self._starts, self._counts))
        single = self._classes[self._counts == 1]
        if len(single):
            raise ValueError(
                'QuadSampler: class(es) ' +
                ', '.join(name(int(c)) for c in single) +
                ' have a single image, so no positive (another image of '
                'the class) exists; remove or merge them')
        if len(self._classes) < 3:
            raise ValueError(
                f'QuadSampler: the data set has images of '
                f'{len(self._classes)} class(es) '
                f'({", ".join(name(int(c)) for c in self._classes)}); two '
                'distinct negative classes need at least 3')
        if class_names is not None and len(self._classes) < len(class_names):
            unused = sorted(set(range(len(class_names))) - set(self._classes))
            print_log(
                'QuadSampler: classes without images, never sampled: ' +
                ', '.join(name(c) for c in unused),
                logger='current')

    def _anchors(self, rng: np.random.Generator) -> np.ndarray:
        """The epoch's anchors."""
        n = len(self._order)
        if self.class_balanced:
            k = rng.integers(len(self._classes), size=self.num_anchors)
            return self._order[self._starts[k] + rng.integers(self._counts[k])]
        rounds = math.ceil(self.num_anchors / n)
        if self.shuffle:
            base = np.concatenate([rng.permutation(n) for _ in range(rounds)])
        else:
            base = np.tile(np.arange(n), rounds)
        return base[:self.num_anchors]

    def _other_class_image(self,
                           rng: np.random.Generator,
                           k1: np.ndarray,
                           k2: Optional[np.ndarray] = None) -> np.ndarray:
        """Uniform image outside class(es) ``k1`` (and ``k2``), per row."""
        starts, counts = self._starts, self._counts
        if k2 is None:
            pos = rng.integers(len(self._order) - counts[k1])
            return self._order[pos + counts[k1] * (pos >= starts[k1])]
        lo = np.minimum(k1, k2)
        hi = np.maximum(k1, k2)
        pos = rng.integers(len(self._order) - counts[k1] - counts[k2])
        pos += counts[lo] * (pos >= starts[lo])
        pos += counts[hi] * (pos >= starts[hi])
        return self._order[pos]

    def quads(self) -> np.ndarray:
        """All quads of the current epoch, over all ranks.

        Returns:
            np.ndarray: ``(num_anchors, 4)`` indices, columns anchor,
            positive, negative 1, negative 2.
        """
        rng = np.random.default_rng((self.seed, self.epoch))
        starts, counts = self._starts, self._counts
        anchor = self._anchors(rng)
        k = self._class_pos[anchor]
        offset = 1 + rng.integers(counts[k] - 1)
        positive = self._order[starts[k] +
                               (self._rank_in_class[anchor] + offset) %
                               counts[k]]
        if self.class_balanced:
            num_classes = len(self._classes)
            o1 = 1 + rng.integers(num_classes - 1, size=len(anchor))
            o2 = 1 + rng.integers(num_classes - 2, size=len(anchor))
            o2 += o2 >= o1
            k1, k2 = (k + o1) % num_classes, (k + o2) % num_classes
            neg1 = self._order[starts[k1] + rng.integers(counts[k1])]
            neg2 = self._order[starts[k2] + rng.integers(counts[k2])]
        else:
            neg1 = self._other_class_image(rng, k)
            neg2 = self._other_class_image(rng, k, self._class_pos[neg1])
        return np.stack([anchor, positive, neg1, neg2], axis=1)

    def __iter__(self) -> Iterator[int]:
        """Indices of this rank's quads, flattened."""
        quads = self.quads()
        total = self.num_quads * self.world_size
        quads = np.resize(quads, (total, 4))  # pads by repeating from start
        return iter(quads[self.rank::self.world_size].reshape(-1).tolist())

    def __len__(self) -> int:
        """Number of indices (4 per quad) on this rank."""
        return 4 * self.num_quads

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch, which reseeds the draws like ``DefaultSampler``."""
        self.epoch = epoch
