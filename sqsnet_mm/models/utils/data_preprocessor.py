"""Data preprocessor that tells the model whether a batch was mixed."""
from typing import Tuple

import torch
from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS


class _MixRecorder:
    """Wrap a batch augment and remember whether it changed the batch.

    MMPretrain's ``RandomBatchAugment`` returns the input tensor itself when
    it draws "no augmentation" and a new tensor from Mixup or CutMix.
    """

    def __init__(self, augment) -> None:
        self.augment = augment
        self.mixed = False

    def __call__(self, inputs: torch.Tensor,
                 scores: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        out_inputs, out_scores = self.augment(inputs, scores)
        self.mixed = out_inputs is not inputs
        return out_inputs, out_scores


@MODELS.register_module()
class QuadClsDataPreprocessor(ClsDataPreprocessor):
    """``ClsDataPreprocessor`` that marks mixed batches.

    docs/design.md, decision 5: a Mixup/CutMix image has no single class, so
    the anchor/positive/negative relations of SQS do not hold in a mixed
    batch. This preprocessor sets ``batch_mixed`` in every sample's
    metainfo, and :class:`QuadImageClassifier` computes SQS only on unmixed
    batches. The share of unmixed batches is set by ``probs`` of the batch
    augments.

    Args:
        **kwargs: Arguments of :class:`ClsDataPreprocessor`.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if self.batch_augments is not None:
            self.batch_augments = _MixRecorder(self.batch_augments)

    def forward(self, data: dict, training: bool = False) -> dict:
        if self.batch_augments is not None:
            self.batch_augments.mixed = False
        data = super().forward(data, training)
        mixed = bool(training and self.batch_augments is not None
                     and self.batch_augments.mixed)
        for sample in data['data_samples'] or []:
            sample.set_metainfo({'batch_mixed': mixed})
        return data
