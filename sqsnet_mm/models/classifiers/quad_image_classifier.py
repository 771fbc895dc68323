"""Image classifier trained with Spatial Quad-Similarity (paper sec. 3.4)."""
from typing import Dict, List, Optional

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ..utils.quads import hard_labels, mine_in_batch, split_quads

QUAD_MODES = ('sampler', 'in_batch')


@MODELS.register_module()
class QuadImageClassifier(ImageClassifier):
    """An :class:`ImageClassifier` whose training adds SQS on quads.

    In ``loss`` mode the backbone (and neck) run once over the whole batch
    (DESIGN decision 4), the last spatial map is split into anchors,
    positives and negatives, ``sqs_neck`` (:class:`SpatialQuadSimilarity`)
    refines the anchors (eq. 6-8) and gives ``L_SQS`` (eq. 10), and the head
    (:class:`SQSClsHead`) returns the losses of eq. 11. Every image of the
    batch gets the classification loss. ``predict`` and ``tensor`` modes are
    those of :class:`ImageClassifier`: backbone, neck and the base
    classifier only, so SQS adds nothing at inference.

    Batches that Mixup/CutMix mixed (marked by
    :class:`QuadClsDataPreprocessor`, the default preprocessor) get only
    the classification loss on their soft targets: SQS needs one class per
    image (DESIGN decision 5). ``sqs_active`` is logged per iteration.

    Args:
        backbone (dict): Backbone config, e.g. :class:`HybridFusionBackbone`
            or any MMPretrain backbone that outputs spatial maps.
        neck (dict, optional): Neck config; it must keep spatial maps.
        head (dict): Head config, :class:`SQSClsHead`.
        sqs_neck (dict, optional): :class:`SpatialQuadSimilarity` config;
            ``None`` trains without SQS (ablation "w/o SQS").
        quad_mode (str): ``'sampler'``: the batch is laid out in quads by
            :class:`QuadSampler`; ``'in_batch'``: every image is an anchor
            and its partners are picked from the batch by label.
        pretrained (str, optional): As in :class:`ImageClassifier`.
        train_cfg (dict, optional): Batch augments, as in
            :class:`ImageClassifier`.
        data_preprocessor (dict, optional): Defaults to
            ``QuadClsDataPreprocessor``.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 sqs_neck: Optional[dict] = None,
                 quad_mode: str = 'sampler',
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if quad_mode not in QUAD_MODES:
            raise ValueError(
                f'quad_mode must be one of {QUAD_MODES}, got {quad_mode!r}')
        data_preprocessor = dict(data_preprocessor or {})
        data_preprocessor.setdefault('type', 'QuadClsDataPreprocessor')
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            train_cfg=train_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.quad_mode = quad_mode
        self.sqs_neck = None if sqs_neck is None else MODELS.build(sqs_neck)

    @property
    def with_sqs(self) -> bool:
        """Whether training applies Spatial Quad-Similarity."""
        return self.sqs_neck is not None

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """Classification losses of every image plus SQS on the quads.

        Args:
            inputs (torch.Tensor): ``(N, 3, H, W)`` batch, ``N = 4k`` in
                ``'sampler'`` mode.
            data_samples (list[DataSample]): Targets of the batch.

        Returns:
            dict: Losses from :meth:`SQSClsHead.loss` and the logged
            ``sqs_active``, ``sqs_anchors``, ``sim_ap``, ``sim_an``.
        """
        feats = self.extract_feat(inputs)
        if not self.with_sqs:
            return self.head.loss(feats, data_samples)
        device = inputs.device
        if data_samples[0].metainfo.get('batch_mixed', False):
            losses = self.head.loss(feats, data_samples)
            losses['sqs_active'] = torch.zeros((), device=device)
            return losses
        feature = feats[-1]
        if feature.dim() != 4:
            raise ValueError(
                'SQS needs an N x C x H x W map from the backbone/neck, got '
                f'shape {tuple(feature.shape)}; remove the pooling neck')
        labels = hard_labels(data_samples).to(device)
        if self.quad_mode == 'sampler':
            index = split_quads(labels)
        else:
            index = mine_in_batch(labels)
        anchors = index[0]
        if anchors.numel() == 0:
            losses = self.head.loss(feats, data_samples)
            losses['sqs_active'] = torch.zeros((), device=device)
            return losses
        out = self.sqs_neck(*(feature[i] for i in index))
        losses = self.head.loss(
            feats,
            data_samples,
            refined=out['refined'],
            anchor_index=anchors.tolist(),
            sqs_loss=out['loss'])
        losses['sqs_active'] = torch.ones((), device=device)
        losses['sqs_anchors'] = torch.tensor(
            float(anchors.numel()), device=device)
        losses['sim_ap'] = out['sim_ap'].detach().mean()
        losses['sim_an'] = torch.cat([out['sim_an1'],
                                      out['sim_an2']]).detach().mean()
        return losses
