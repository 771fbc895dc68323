"""Models and batches for measuring: models built from configs with random
weights (and their deployed classifiers), the named benchmark settings
(tiny, mid, full), random quad batches, the input size of a config."""
import copy
from typing import Tuple, Union

import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from sqsnet_mm.models import QuadImageClassifier, to_inference_classifier


def load_model_cfg(config: str) -> dict:
    """The ``model`` field of a config file, as a plain dict."""
    return Config.fromfile(config).model.to_dict()


def build_model(model_cfg: dict) -> torch.nn.Module:
    """Build a model from the MMPretrain registry (no pretrained download:
    ``init_weights`` is not called, so benchmark weights stay random)."""
    import sqsnet_mm  # noqa: F401  (registers the SQSNet components)
    return MODELS.build(copy.deepcopy(model_cfg))


def count_params(model: torch.nn.Module) -> int:
    """Number of parameters."""
    return sum(p.numel() for p in model.parameters())


def quad_batch(batch_size: int,
               shape: Union[int, Tuple[int, int]],
               num_classes: int,
               seed: int = 0) -> dict:
    """A random uint8 training batch laid out as quads, as a data loader
    with :class:`QuadSampler` delivers it to ``train_step``.

    Quad ``q`` is (anchor, positive, negative 1, negative 2) with classes
    ``(c, c, c + 1, c + 2) mod num_classes``, ``c = q mod num_classes``;
    when ``batch_size`` is not a multiple of 4, images of class 0 fill the
    rest.

    Args:
        batch_size (int): Number of images.
        shape (int | tuple): Image size, or ``(H, W)``.
        num_classes (int): Number of classes (at least 3).
        seed (int): Seed of the random pixels.

    Returns:
        dict: ``inputs`` (list of ``3 x H x W`` uint8 tensors) and
        ``data_samples`` (``DataSample`` with ``gt_label``).
    """
    if num_classes < 3:
        raise ValueError(f'quads need >= 3 classes, got {num_classes}')
    if isinstance(shape, int):
        shape = (shape, shape)
    gen = torch.Generator().manual_seed(seed)
    labels = []
    for q in range(batch_size // 4):
        c = q % num_classes
        labels += [c, c, (c + 1) % num_classes, (c + 2) % num_classes]
    labels += [0] * (batch_size - len(labels))
    inputs = [
        torch.randint(0, 256, (3, *shape), dtype=torch.uint8, generator=gen)
        for _ in labels
    ]
    samples = [DataSample().set_gt_label(label) for label in labels]
    return dict(inputs=inputs, data_samples=samples)


#: Classes of the benchmark models (RAF-DB's 7).
NUM_CLASSES = 7
#: Model configs of the named benchmark settings.
TINY_CONFIG = 'configs/_base_/models/sqsnet_tiny.py'
FULL_CONFIG = 'configs/_base_/models/sqsnet_effb6_swins.py'
SETTINGS = ('tiny', 'mid', 'full')


def mid_backbone(size: int) -> dict:
    """Mid-size hybrid: MMPretrain's EfficientNet-B2 (1408 channels) and
    Swin-T (768 channels) fused by cross-attention into 512 channels on a
    ``size / 32`` grid (Swin window ``size / 32``: its last stage is one
    window, as 7 is at 224 px)."""
    if size % 32:
        raise ValueError(f'the mid-size model needs a size divisible by 32, '
                         f'got {size}')
    return dict(
        type='HybridFusionBackbone',
        local=dict(type='EfficientNet', arch='b2'),
        global_=dict(
            type='SwinTransformer',
            arch='tiny',
            img_size=size,
            window_size=size // 32),
        embed_dims=512,
        num_heads=8,
        local_channels=1408,
        global_channels=768)


def setting_cfg(setting: str, size: int) -> dict:
    """Model config (SQSNet training model, 7 classes) of a setting.

    Args:
        setting (str): ``'tiny'`` (configs/_base_/models/sqsnet_tiny.py),
            ``'mid'`` (:func:`mid_backbone`) or ``'full'``
            (configs/_base_/models/sqsnet_effb6_swins.py, EfficientNet-B6 +
            Swin-S; its Swin is built for 224 px).
        size (int): Input size (only ``'mid'`` builds for it).

    Returns:
        dict: The model config with 7 classes and an ImageNet-normalising
        data preprocessor (as in the data set configs).
    """
    if setting not in SETTINGS:
        raise ValueError(f'unknown setting {setting!r}; one of {SETTINGS}')
    cfg = load_model_cfg(FULL_CONFIG if setting == 'full' else TINY_CONFIG)
    if setting == 'mid':
        cfg['backbone'] = mid_backbone(size)
        cfg['head']['in_channels'] = 512
    cfg['head']['num_classes'] = NUM_CLASSES
    cfg['data_preprocessor'] = dict(
        num_classes=NUM_CLASSES,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True)
    return cfg


def input_shape(cfg: Config) -> Tuple[int, int]:
    """(H, W) the test pipeline produces: its last ``crop_size`` or
    ``scale``."""
    size = None
    for step in cfg.test_dataloader.dataset.pipeline:
        for key in ('scale', 'crop_size'):
            if step.get(key) is not None:
                size = step[key]
    if size is None:
        raise ValueError(
            f'{cfg.filename}: no scale/crop_size in the test pipeline; '
            'give --shape H W')
    if isinstance(size, int):
        return size, size
    return int(size[1]), int(size[0])  # mmcv sizes are (w, h)


def build_train_model(cfg: Config) -> torch.nn.Module:
    """The training model of ``cfg`` (random weights, the config's data
    preprocessor)."""
    model_cfg = cfg.model.copy()
    if cfg.get('data_preprocessor'):
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    return MODELS.build(model_cfg)


def build_models(cfg: Config) -> Tuple[torch.nn.Module, torch.nn.Module]:
    """The training model of ``cfg`` (:func:`build_train_model`) and its
    deployed classifier."""
    model = build_train_model(cfg)
    deployed = (
        to_inference_classifier(model)
        if isinstance(model, QuadImageClassifier) else model)
    return model, deployed.eval()
