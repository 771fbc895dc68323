"""Strip SQS from a trained model: the ordinary classifier that ships."""
import copy
from typing import Dict

import torch
from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.models.heads import LinearClsHead
from mmpretrain.models.necks import GlobalAveragePooling
from mmpretrain.models.utils import ClsDataPreprocessor

#: Weight prefixes used in training only.
TRAINING_ONLY_PREFIXES = ('head.sqs.', 'head.fc_enhanced.')


def _check_no_neck(neck) -> None:
    if neck:
        raise ValueError(
            'the inference classifier is backbone + GlobalAveragePooling + '
            'LinearClsHead; a model with its own neck cannot be converted '
            f'(neck={neck!r}). SQS needs spatial maps, so put spatial '
            'processing in the backbone instead')


def inference_state_dict(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Drop the SQS module and the enhanced classifier from a state dict.

    The remaining keys (``backbone.*``, ``head.fc.*``) are exactly those of
    :func:`inference_model_config`'s classifier.
    """
    return {
        k: v
        for k, v in state_dict.items()
        if not k.startswith(TRAINING_ONLY_PREFIXES)
    }


def inference_model_config(model_cfg: dict) -> dict:
    """Model config of the deployed classifier of a SQSNet model config.

    ``QuadImageClassifier`` + ``SQSClsHead`` becomes MMPretrain's
    ``ImageClassifier`` with a ``GlobalAveragePooling`` neck and a
    ``LinearClsHead`` (the base classifier of eq. 5): same backbone, no
    batch augments, no SQS. A ``data_preprocessor`` in ``model_cfg`` becomes
    a plain ``ClsDataPreprocessor``; without one, the config's top-level
    ``data_preprocessor`` applies as usual.

    Args:
        model_cfg (dict): The ``model`` field of a training config.

    Returns:
        dict: The ``model`` field of the inference config.
    """
    cfg = copy.deepcopy(dict(model_cfg))
    _check_no_neck(cfg.get('neck'))
    head = cfg['head']
    deployed = dict(
        type='ImageClassifier',
        backbone=cfg['backbone'],
        neck=dict(type='GlobalAveragePooling'),
        head=dict(
            type='LinearClsHead',
            num_classes=head['num_classes'],
            in_channels=head['in_channels'],
            loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
            topk=head.get('topk', (1, ))))
    if cfg.get('data_preprocessor'):
        data_preprocessor = dict(cfg['data_preprocessor'])
        data_preprocessor.pop('batch_augments', None)
        data_preprocessor['type'] = 'ClsDataPreprocessor'
        deployed['data_preprocessor'] = data_preprocessor
    return deployed


def to_inference_classifier(model: ImageClassifier) -> ImageClassifier:
    """The deployed classifier of a trained :class:`QuadImageClassifier`.

    A copy of the backbone, a ``GlobalAveragePooling`` neck and a
    ``LinearClsHead`` holding the base classifier's weights. Its
    predictions equal the SQS model's ``predict`` bit for bit.

    Args:
        model (ImageClassifier): A model with an :class:`SQSClsHead`.

    Returns:
        ImageClassifier: The model without any SQS part, in the mode
        (train/eval) of ``model``.
    """
    _check_no_neck(model.neck)
    old = model.data_preprocessor
    norm = dict(
        mean=old.mean.flatten().tolist(),
        std=old.std.flatten().tolist()) if old._enable_normalize else {}
    data_preprocessor = ClsDataPreprocessor(
        pad_size_divisor=old.pad_size_divisor,
        pad_value=old.pad_value,
        to_rgb=old.to_rgb,
        num_classes=old.num_classes,
        **norm)
    head = LinearClsHead(
        num_classes=model.head.num_classes,
        in_channels=model.head.in_channels,
        topk=model.head.topk,
        loss=dict(type='CrossEntropyLoss'))
    head.fc.load_state_dict(model.head.fc.state_dict())
    deployed = ImageClassifier(
        backbone=copy.deepcopy(model.backbone),
        neck=GlobalAveragePooling(),
        head=head,
        data_preprocessor=data_preprocessor)
    return deployed.train(model.training)
