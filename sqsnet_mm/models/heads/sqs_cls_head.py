"""SQSNet's classifiers and every term of its training loss (eq. 5-11)."""
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmpretrain.models.heads import ClsHead
from mmpretrain.models.necks import GlobalAveragePooling
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils.quads import hard_labels, mine_in_batch, split_quads

QUAD_MODES = ('sampler', 'in_batch')
REDUCTIONS = ('anchor', 'image')
SQS_INPUTS = ('map', 'pooled')


@MODELS.register_module()
class SQSClsHead(ClsHead):
    """Base and SQS-enhanced classifiers, and the SQS module that links them.

    This head owns everything SQS adds to training, so one config block sets
    every equation's constant and every loss weight:

    - the *base* classifier (eq. 5) on the pooled map of every image; it is
      all that :meth:`predict` uses and all that ships;
    - the SQS module ``sqs`` (:class:`SpatialQuadSimilarity`: eq. 6, 7, 8,
      10) on the quads of the batch (anchor, positive, negative 1,
      negative 2; laid out by :class:`QuadSampler` or mined in the batch);
    - the *SQS-enhanced* classifier (eq. 9) on the refined anchor maps;
    - the total loss, eq. 11 made explicit (docs/design.md, decision 3):

    .. math::
        L = CE(base) + s\\,[w_{enh} CE(enh) + w_{kl} T^2
        KL(\\mathrm{sg}[p_{enh}^T] \\| p_{base}^T) + \\lambda L_{SQS}]

    where the enhanced classifier is the detached teacher (``sg``) of the
    base classifier on the anchors. ``s`` is the product of two factors:
    ``sqs_reduction='image'`` weighs each anchor term per image of the batch
    like the base CE (``s = k / N`` for ``k`` anchors in ``N`` images;
    ``'anchor'``, the paper's literal reading, averages over anchors,
    ``s = 1``), and ``sqs_warmup`` ramps ``s`` linearly from 0 over that
    fraction of the training iterations (read from mmengine's message hub;
    outside a runner the ramp is complete).

    Batches that Mixup/CutMix mixed (``batch_mixed`` in the metainfo, set by
    :class:`QuadClsDataPreprocessor`) get ``CE(base)`` only, on their soft
    targets (docs/design.md, decision 5). Cross-entropies go through
    ``loss`` (MMPretrain's ``LabelSmoothLoss`` with 0.1 in the recipe).

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the classified map (1024 for SQSNet).
        loss (dict): Classification loss config. Defaults to
            ``LabelSmoothLoss`` with smoothing 0.1.
        sqs (dict, optional): Config of the SQS module (tau, alpha, beta,
            gamma, margin ... of :class:`SpatialQuadSimilarity`). ``None``
            trains the base classifier alone (ablation "w/o SQS") and builds
            no enhanced classifier. Defaults to the paper's constants.
        quad_mode (str): ``'sampler'``: the batch is laid out in quads by
            :class:`QuadSampler`; ``'in_batch'``: every image is an anchor
            with partners picked from the batch by label (docs/design.md,
            decision 4).
        sqs_in_index (int): Which map of the backbone's output tuple SQS
            compares (e.g. ``0`` for the CNN branch's own map of a
            :class:`HybridFusionBackbone` with ``out_local=True``); the base
            classifier always reads the last. Defaults to -1.
        sqs_input (str): ``'map'``: SQS per spatial location (eq. 6-10);
            ``'pooled'``: on the globally pooled vector (a 1 x 1 map).
        enhanced_loss_weight (float): ``w_enh``. Defaults to 1.0.
        kl_weight (float): ``w_kl``. Defaults to 1.0.
        kl_temperature (float): Distillation temperature ``T``.
            Defaults to 1.0.
        sqs_loss_weight (float): ``lambda`` of eq. 11. Defaults to 0.5
            (sec. 4.6).
        sqs_reduction (str): ``'anchor'`` or ``'image'``, see above.
            Defaults to ``'anchor'``.
        sqs_warmup (float): Fraction of the training iterations over which
            the SQS terms ramp up from 0. Defaults to 0 (no ramp).
        dropout (float): Dropout before both classifiers. Defaults to 0.
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
                 sqs: Optional[dict] = dict(type='SpatialQuadSimilarity'),
                 quad_mode: str = 'sampler',
                 sqs_in_index: int = -1,
                 sqs_input: str = 'map',
                 enhanced_loss_weight: float = 1.0,
                 kl_weight: float = 1.0,
                 kl_temperature: float = 1.0,
                 sqs_loss_weight: float = 0.5,
                 sqs_reduction: str = 'anchor',
                 sqs_warmup: float = 0.0,
                 dropout: float = 0.0,
                 init_cfg: Optional[dict] = dict(
                     type='Normal', layer='Linear', std=0.01),
                 **kwargs) -> None:
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        if num_classes <= 0:
            raise ValueError(f'num_classes={num_classes} must be positive')
        if kl_temperature <= 0:
            raise ValueError(f'kl_temperature={kl_temperature} must be > 0')
        for name, value, allowed in (('quad_mode', quad_mode, QUAD_MODES),
                                     ('sqs_reduction', sqs_reduction,
                                      REDUCTIONS), ('sqs_input', sqs_input,
                                                    SQS_INPUTS)):
            if value not in allowed:
                raise ValueError(
                    f'{name} must be one of {allowed}, got {value!r}')
        if not 0 <= sqs_warmup <= 1:
            raise ValueError(f'sqs_warmup={sqs_warmup} must be in [0, 1] '
                             '(a fraction of the training iterations)')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.quad_mode = quad_mode
        self.sqs_in_index = sqs_in_index
        self.sqs_input = sqs_input
        self.enhanced_loss_weight = enhanced_loss_weight
        self.kl_weight = kl_weight
        self.kl_temperature = kl_temperature
        self.sqs_loss_weight = sqs_loss_weight
        self.sqs_reduction = sqs_reduction
        self.sqs_warmup = sqs_warmup
        self.gap = GlobalAveragePooling()
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(in_channels, num_classes)
        self.sqs = None if sqs is None else MODELS.build(sqs)
        self.fc_enhanced = None if sqs is None else nn.Linear(
            in_channels, num_classes)

    @property
    def with_sqs(self) -> bool:
        """Whether training applies Spatial Quad-Similarity."""
        return self.sqs is not None

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

    def warmup_factor(self) -> float:
        """Linear ramp of the SQS terms, from the runner's iteration."""
        if self.sqs_warmup == 0:
            return 1.0
        hub = MessageHub.get_current_instance()
        it, max_iters = hub.get_info('iter'), hub.get_info('max_iters')
        if it is None or not max_iters:
            return 1.0
        return min(1.0, (it + 1) / (self.sqs_warmup * max_iters))

    def _sqs_map(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        feature = feats[self.sqs_in_index]
        if feature.dim() != 4:
            raise ValueError(
                'SQS needs an N x C x H x W map from the backbone/neck, got '
                f'shape {tuple(feature.shape)}; remove the pooling neck')
        if self.sqs_input == 'pooled':
            feature = feature.mean(dim=(2, 3), keepdim=True)
        return feature

    def _quads(self, labels: torch.Tensor):
        if self.quad_mode == 'sampler':
            return split_quads(labels)
        return mine_in_batch(labels)

    def loss(self, feats: Tuple[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Losses of a batch: ``CE(base)`` of every image plus, on unmixed
        batches with quads, the SQS terms of the anchors.

        Args:
            feats (tuple[Tensor]): Backbone (or neck) maps of the batch.
            data_samples (list[DataSample]): Targets of the batch.

        Returns:
            dict: ``loss_cls`` and, with SQS, ``loss_enhanced``, ``loss_kl``
            and ``loss_sqs`` (each weighted), plus the logged
            ``sqs_active``, ``sqs_anchors``, ``sim_ap`` and ``sim_an``.
        """
        cls_score = self(feats)
        losses = {
            'loss_cls':
            self._get_loss(cls_score, data_samples, **kwargs).pop('loss')
        }
        if not self.with_sqs:
            return losses
        device = cls_score.device
        losses['sqs_active'] = torch.zeros((), device=device)
        if data_samples[0].metainfo.get('batch_mixed', False):
            return losses
        feature = self._sqs_map(feats)
        labels = hard_labels(data_samples).to(device)
        index = self._quads(labels)
        anchors = index[0]
        if anchors.numel() == 0:
            return losses
        out = self.sqs(*(feature[i] for i in index))
        scale = self.warmup_factor()
        if self.sqs_reduction == 'image':
            scale *= anchors.numel() / len(data_samples)
        enh_score = self.enhanced_logits(out['refined'])
        anchor_samples = [data_samples[i] for i in anchors.tolist()]
        losses['loss_enhanced'] = (
            scale * self.enhanced_loss_weight *
            self._get_loss(enh_score, anchor_samples, **kwargs).pop('loss'))
        temp = self.kl_temperature
        teacher = F.softmax(enh_score.detach() / temp, dim=1)
        student = F.log_softmax(cls_score[anchors] / temp, dim=1)
        losses['loss_kl'] = scale * self.kl_weight * temp**2 * F.kl_div(
            student, teacher, reduction='batchmean')
        losses['loss_sqs'] = scale * self.sqs_loss_weight * out['loss']
        losses['sqs_active'] = torch.ones((), device=device)
        losses['sqs_anchors'] = torch.tensor(
            float(anchors.numel()), device=device)
        losses['sim_ap'] = out['sim_ap'].detach().mean()
        losses['sim_an'] = torch.cat([out['sim_an1'],
                                      out['sim_an2']]).detach().mean()
        return losses
