"""Image classifier trained with Spatial Quad-Similarity (paper sec. 3.4)."""
from typing import Optional

from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS


@MODELS.register_module()
class QuadImageClassifier(ImageClassifier):
    """An :class:`ImageClassifier` for batches of quads.

    The backbone (and neck) run once over the whole batch (docs/design.md,
    decision 4) and the head, :class:`SQSClsHead`, computes every loss term:
    the classification loss of each image and, on the quads, SQS (eq. 6-10)
    with the enhanced classifier and the KL term (eq. 11). ``predict`` and
    ``tensor`` modes are those of :class:`ImageClassifier` with the base
    classifier only, so SQS adds nothing at inference.

    The class differs from :class:`ImageClassifier` by its default data
    preprocessor, :class:`QuadClsDataPreprocessor`, which marks the batches
    that Mixup/CutMix mixed so that the head leaves SQS out of them
    (docs/design.md, decision 5).

    Args:
        backbone (dict): Backbone config, e.g. :class:`HybridFusionBackbone`
            or any MMPretrain backbone that outputs spatial maps.
        neck (dict, optional): Neck config; it must keep spatial maps.
        head (dict): Head config, :class:`SQSClsHead`.
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
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
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
