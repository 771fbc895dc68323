"""Base and SQS-enhanced classifiers of SQSNet (paper eq. 5, 9, 11)."""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.models.heads import ClsHead
from mmpretrain.models.necks import GlobalAveragePooling
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


@MODELS.register_module()
class SQSClsHead(ClsHead):
    """Two linear classifiers on globally pooled maps, trained jointly.

    The *base* classifier (eq. 5) reads the backbone's map; the
    *SQS-enhanced* classifier reads the refined anchor maps ``f_A'`` of
    eq. 8. Only the base classifier is used by :meth:`predict`, so the
    deployed model is an ordinary backbone + pooling + linear classifier.
    DESIGN decision 3: the total loss (eq. 11 made explicit) is

    .. math::
        L = CE(base) + w_{enh} CE(enhanced) + w_{kl} T^2
        KL(\\mathrm{sg}[p_{enh}^T] \\| p_{base}^T) + \\lambda L_{SQS}

    where the enhanced classifier is the teacher (detached, ``sg``) of the
    base classifier on the anchors, so what SQS learns reaches the branch
    that ships. Cross-entropies go through ``loss`` (MMPretrain's
    ``LabelSmoothLoss`` with 0.1 in the recipe) and accept the soft targets
    that Mixup/CutMix put in ``gt_score``.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the input map (1024 for SQSNet).
        loss (dict): Classification loss config. Defaults to
            ``LabelSmoothLoss`` with smoothing 0.1.
        enhanced_loss_weight (float): ``w_enh``. Defaults to 1.0.
        kl_weight (float): ``w_kl``. Defaults to 1.0.
        kl_temperature (float): Distillation temperature ``T``.
            Defaults to 1.0.
        sqs_loss_weight (float): ``lambda`` of eq. 11. Defaults to 0.5
            (sec. 4.6).
        dropout (float): Dropout before both classifiers. Defaults to 0.
        with_enhanced (bool): Build the SQS-enhanced classifier. ``False``
            for models trained without SQS, so that no parameter goes
            unused. Defaults to True.
        init_cfg (dict, optional): Initialisation config. Defaults to a
            normal initialisation of the linear layers (std 0.01).
        **kwargs: ``topk`` and ``cal_acc`` of :class:`ClsHead`.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss: dict = dict(
                     type='LabelSmoothLoss',
                     label_smooth_val=0.1,
                     mode='original',
                     loss_weight=1.0),
                 enhanced_loss_weight: float = 1.0,
                 kl_weight: float = 1.0,
                 kl_temperature: float = 1.0,
                 sqs_loss_weight: float = 0.5,
                 dropout: float = 0.0,
                 with_enhanced: bool = True,
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01),
                 **kwargs) -> None:
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        if num_classes <= 0:
            raise ValueError(f'num_classes={num_classes} must be positive')
        if kl_temperature <= 0:
            raise ValueError(f'kl_temperature={kl_temperature} must be > 0')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.enhanced_loss_weight = enhanced_loss_weight
        self.kl_weight = kl_weight
        self.kl_temperature = kl_temperature
        self.sqs_loss_weight = sqs_loss_weight
        self.gap = GlobalAveragePooling()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(in_channels, num_classes)
        self.fc_enhanced = nn.Linear(
            in_channels, num_classes) if with_enhanced else None

    def _pool(self, feature: torch.Tensor) -> torch.Tensor:
        return self.gap(feature) if feature.dim() == 4 else feature

    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """Globally pooled last map ``(N, C)``."""
        return self._pool(feats[-1])

    def forward(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """Base classifier logits (eq. 5)."""
        return self.fc(self.dropout(self.pre_logits(feats)))

    def enhanced_logits(self, refined: torch.Tensor) -> torch.Tensor:
        """SQS-enhanced classifier logits on refined anchor maps (eq. 9)."""
        return self.fc_enhanced(self.dropout(self._pool(refined)))

    def loss(self,
             feats: Tuple[torch.Tensor],
             data_samples: List[DataSample],
             refined: Optional[torch.Tensor] = None,
             anchor_index: Optional[Sequence[int]] = None,
             sqs_loss: Optional[torch.Tensor] = None,
             **kwargs) -> Dict[str, torch.Tensor]:
        """Losses of a batch.

        Args:
            feats (tuple[Tensor]): Backbone (or neck) maps of the batch.
            data_samples (list[DataSample]): Targets of the batch.
            refined (Tensor, optional): Refined anchor maps ``f_A'``
                (eq. 8); without it only ``CE(base)`` is computed.
            anchor_index (Sequence[int], optional): Batch positions of the
                anchors, in the order of ``refined``.
            sqs_loss (Tensor, optional): ``L_SQS`` of eq. 10.

        Returns:
            dict: ``loss_cls`` and, with SQS, ``loss_enhanced``, ``loss_kl``
            and ``loss_sqs``, each already weighted.
        """
        cls_score = self(feats)
        losses = {'loss_cls': self._get_loss(cls_score, data_samples,
                                             **kwargs).pop('loss')}
        if refined is None:
            return losses
        if self.fc_enhanced is None:
            raise ValueError('SQSClsHead was built with with_enhanced=False '
                             'and cannot take refined SQS maps')
        if anchor_index is None or sqs_loss is None:
            raise ValueError('SQSClsHead.loss needs anchor_index and sqs_loss '
                             'together with refined')
        anchor_index = list(anchor_index)
        if len(anchor_index) != refined.shape[0]:
            raise ValueError(f'{len(anchor_index)} anchor indices for '
                             f'{refined.shape[0]} refined maps')
        enh_score = self.enhanced_logits(refined)
        anchor_samples = [data_samples[i] for i in anchor_index]
        losses['loss_enhanced'] = self.enhanced_loss_weight * self._get_loss(
            enh_score, anchor_samples, **kwargs).pop('loss')
        temp = self.kl_temperature
        teacher = F.softmax(enh_score.detach() / temp, dim=1)
        student = F.log_softmax(cls_score[anchor_index] / temp, dim=1)
        losses['loss_kl'] = self.kl_weight * temp**2 * F.kl_div(
            student, teacher, reduction='batchmean')
        losses['loss_sqs'] = self.sqs_loss_weight * sqs_loss
        return losses
