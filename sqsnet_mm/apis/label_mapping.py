"""Map labels and scores between two data sets' class orders.

A model trained on one data set (say RAF-DB: surprise, fear, disgust,
happiness, sadness, anger, neutral) is tested on another (FERPlus:
neutral, happiness, surprise, sadness, anger, disgust, fear, contempt) by
matching classes on their canonical emotion names
(:func:`sqsnet_mm.datasets.canonical_emotion`, so ``happy`` and
``happiness`` are the same class). Evaluation happens on the *shared*
classes, in the target's order: target samples of a class the model lacks
are excluded (and counted), and the model's scores are restricted to the
shared classes and renormalised, so a class the target lacks (e.g.
contempt of an 8-class model on RAF-DB) cannot be predicted.
"""
from typing import Sequence, Tuple, Union

import numpy as np
import torch

from sqsnet_mm.datasets.emotions import canonical_emotion

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence[int]]


def _canonical(classes: Sequence[str], which: str) -> Tuple[str, ...]:
    names = []
    for name in classes:
        try:
            names.append(canonical_emotion(name))
        except ValueError as e:
            raise ValueError(f'{which} class {name!r}: {e}') from e
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f'{which} classes {list(classes)} name the same '
                         f'emotion twice: {duplicates}')
    return tuple(names)


class LabelMapping:
    """Class correspondence between a model (source) and a data set
    (target).

    Args:
        source_classes (Sequence[str]): The model's class names, in the
            order of its outputs.
        target_classes (Sequence[str]): The data set's class names, in the
            order of its labels.

    Attributes:
        shared (tuple): Canonical names in both, in the target's order.
        source_only (tuple): Model classes the data set lacks.
        target_only (tuple): Data set classes the model lacks.

    Raises:
        ValueError: For an unknown emotion name, a repeated emotion, or no
            shared class.
    """

    def __init__(self, source_classes: Sequence[str],
                 target_classes: Sequence[str]) -> None:
        self.source = _canonical(source_classes, 'model')
        self.target = _canonical(target_classes, 'data set')
        self.shared = tuple(c for c in self.target if c in self.source)
        if not self.shared:
            raise ValueError(f'no class in common between the model '
                             f'{self.source} and the data set {self.target}')
        self.source_only = tuple(c for c in self.source
                                 if c not in self.shared)
        self.target_only = tuple(c for c in self.target
                                 if c not in self.shared)
        #: source output index of each shared class
        self.shared_to_source = np.array(
            [self.source.index(c) for c in self.shared])
        #: shared index of each target label, -1 if the model lacks it
        self.target_to_shared = np.array([
            self.shared.index(c) if c in self.shared else -1
            for c in self.target
        ])

    def map_target_labels(self, labels: ArrayLike) -> np.ndarray:
        """Target labels -> shared labels (-1: class the model lacks)."""
        labels = np.asarray(labels, dtype=np.int64)
        if labels.size and (labels.min() < 0
                            or labels.max() >= len(self.target)):
            raise ValueError(f'target labels outside 0..'
                             f'{len(self.target) - 1}: {labels}')
        return self.target_to_shared[labels]

    def map_scores(self, scores: ArrayLike) -> np.ndarray:
        """Model probabilities (``N x S`` or ``S``) -> probabilities over
        the shared classes (``N x K`` or ``K``), renormalised to sum 1."""
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape[-1] != len(self.source):
            raise ValueError(f'expected {len(self.source)} scores per '
                             f'sample, got shape {scores.shape}')
        shared = scores[..., self.shared_to_source]
        total = shared.sum(axis=-1, keepdims=True)
        if np.any(total <= 0):
            raise ValueError('scores with no mass on the shared classes')
        return shared / total

    def describe(self) -> str:
        """One line naming the shared and the unmatched classes."""
        return (f'{len(self.shared)} shared classes {list(self.shared)}; '
                f'model only: {list(self.source_only) or "none"}; '
                f'data set only (samples excluded): '
                f'{list(self.target_only) or "none"}')
