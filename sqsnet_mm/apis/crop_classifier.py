"""Load the expression classifier that the face inferencer runs on crops.

The classifier is an MMPretrain :class:`ImageClassificationInferencer`
(PyTorch back-end, any MMPretrain classifier config + checkpoint) or its
ONNX Runtime counterpart :class:`ONNXClassificationInferencer`. Both
preprocess crops with the config's ``test_pipeline`` (minus
``LoadImageFromFile``) and the model's data preprocessor, exactly as the
test set was preprocessed.
"""
import os.path as osp
import re
from collections import OrderedDict
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.runner import CheckpointLoader, load_state_dict
from mmengine.utils import import_modules_from_strings
from mmpretrain.apis import ImageClassificationInferencer, get_model
from mmpretrain.registry import DATASETS

from .onnx_inferencer import ONNXClassificationInferencer

BACKENDS = ('pytorch', 'onnxruntime')


def load_config(config: Union[str, Config]) -> Config:
    """Read a config and import its ``custom_imports`` (registering e.g.
    ``sqsnet_mm``'s modules)."""
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    return cfg


def resolve_classes(cfg: Config,
                    checkpoint_meta: Optional[dict] = None,
                    classes: Optional[Sequence[str]] = None,
                    num_classes: Optional[int] = None) -> Tuple[str, ...]:
    """Class names of a classifier, in the order of its outputs.

    Taken from, in order: ``classes``, the checkpoint's
    ``meta['dataset_meta']['classes']``, the config's
    ``test_dataloader.dataset.metainfo.classes``, the ``METAINFO`` of the
    config's test data set class.

    Args:
        cfg (Config): The model's config.
        checkpoint_meta (dict, optional): ``checkpoint['meta']``.
        classes (Sequence[str], optional): Explicit names.
        num_classes (int, optional): Number of model outputs to check the
            names against; defaults to ``cfg.model.head.num_classes``.

    Returns:
        tuple: The class names.

    Raises:
        ValueError: If no names are found or their number does not match
            the model's outputs.
    """
    dataset_cfg = cfg.get('test_dataloader', {}).get('dataset', {})
    candidates = [
        ('--classes', classes),
        ('checkpoint meta', (checkpoint_meta or {}).get('dataset_meta',
                                                        {}).get('classes')),
        ('config test_dataloader.dataset.metainfo',
         (dataset_cfg.get('metainfo') or {}).get('classes')),
    ]
    if dataset_cfg.get('type') in DATASETS:
        dataset_class = DATASETS.get(dataset_cfg['type'])
        candidates.append((f'{dataset_class.__name__}.METAINFO',
                           getattr(dataset_class, 'METAINFO',
                                   {}).get('classes')))
    origin, found = next(((o, c) for o, c in candidates if c), (None, None))
    if found is None:
        raise ValueError(
            'no class names: the checkpoint has no meta["dataset_meta"], '
            'the config no test_dataloader.dataset.metainfo.classes; give '
            'them explicitly (classes=... / --classes)')
    if num_classes is None:
        num_classes = cfg.get('model', {}).get('head', {}).get('num_classes')
    if num_classes is not None and len(found) != num_classes:
        raise ValueError(
            f'{len(found)} class names from {origin} but the model has '
            f'{num_classes} outputs; give the names explicitly '
            '(classes=... / --classes)')
    print_log(f'class names from {origin}: {list(found)}', logger='current')
    return tuple(found)


def load_fitting_checkpoint(model: torch.nn.Module, checkpoint: str) -> dict:
    """Load a checkpoint's weights into a model, refusing one that does not
    fit it.

    mmengine's ``load_checkpoint`` only logs parameters whose shapes differ
    or that the checkpoint lacks, and leaves them at their initial values;
    at inference that would be a model with, for instance, a random
    classifier. Here every such parameter is an error. Keys of the
    checkpoint that the model does not have (e.g. the SQS module of a
    training checkpoint loaded into an inference config) are logged.

    Args:
        model (torch.nn.Module): The model built from the config.
        checkpoint (str): The checkpoint file.

    Returns:
        dict: The loaded checkpoint (``state_dict``, ``meta`` ...).

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If a parameter's shape differs (the message names it,
            both shapes and, for the head, both class counts) or the
            checkpoint lacks some of the model's weights.
    """
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint {checkpoint} not found')
    loaded = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
    state = loaded.get('state_dict', loaded)
    state = OrderedDict(
        (re.sub(r'^module\.', '', k), v) for k, v in state.items())
    expected = model.state_dict()
    problems = [
        f'{k} is {tuple(v.shape)} in the checkpoint, '
        f'{tuple(expected[k].shape)} in the model' +
        (f' (a checkpoint for {v.shape[0]} classes, a config for '
         f'{expected[k].shape[0]})' if k.startswith('head.')
         and v.shape[1:] == expected[k].shape[1:] else '')
        for k, v in state.items()
        if k in expected and v.shape != expected[k].shape
    ]
    missing = [k for k in expected if k not in state]
    if missing:
        problems.append(f'{len(missing)} weights of the model are not in '
                        f'the checkpoint: {missing[:5]}')
    if problems:
        raise ValueError(f'checkpoint {checkpoint} does not fit the model '
                         'of the config: ' + '; '.join(problems) +
                         '. Use the config the checkpoint was trained with.')
    load_state_dict(model, state, strict=False, logger='current')
    return loaded


def load_pytorch_model(config: Union[str, Config],
                       checkpoint: Optional[str],
                       device: Optional[str] = None,
                       classes: Optional[Sequence[str]] = None):
    """Build an MMPretrain classifier and load its checkpoint.

    Args:
        config (str | Config): Model config.
        checkpoint (str, optional): Weights; None keeps the initial weights
            (for tests only, a warning is logged).
        device (str, optional): Torch device. Defaults to CPU.
        classes (Sequence[str], optional): Class names, see
            :func:`resolve_classes`.

    Returns:
        BaseModel: The model in eval mode, with ``_config`` and
        ``_dataset_meta['classes']`` set as by ``mmpretrain.get_model``.
    """
    cfg = load_config(config)
    model = get_model(cfg, pretrained=False, device=device or 'cpu')
    meta = {}
    if checkpoint is None:
        print_log(
            'no checkpoint given: the model keeps its initial '
            'weights',
            logger='current',
            level=30)
    else:
        meta = load_fitting_checkpoint(model, checkpoint).get('meta', {})
    model._dataset_meta = dict(classes=resolve_classes(cfg, meta, classes))
    return model.eval()


def build_crop_classifier(
    model: str,
    checkpoint: Optional[str] = None,
    backend: Optional[str] = None,
    device: Optional[str] = None,
    classes: Optional[Sequence[str]] = None,
) -> ImageClassificationInferencer:
    """The image classifier run on face crops.

    Args:
        model (str): A config file (PyTorch back-end) or an ``.onnx`` file
            written by ``tools/deploy/export_onnx.py`` (ONNX Runtime).
        checkpoint (str, optional): Checkpoint of the config.
        backend (str, optional): ``'pytorch'`` or ``'onnxruntime'``;
            deduced from ``model``'s extension when None.
        device (str, optional): ``'cpu'``, ``'cuda'``, ``'cuda:1'`` ...
        classes (Sequence[str], optional): Override the class names.

    Returns:
        ImageClassificationInferencer: The classifier.
    """
    is_onnx = str(model).endswith('.onnx')
    backend = backend or ('onnxruntime' if is_onnx else 'pytorch')
    if backend not in BACKENDS:
        raise ValueError(f'backend must be one of {BACKENDS}, got {backend}')
    if (backend == 'onnxruntime') != is_onnx:
        raise ValueError(
            f'the {backend} back-end needs '
            f'{"an .onnx file" if backend == "onnxruntime" else "a config"}'
            f', got {model}')
    if backend == 'onnxruntime':
        if checkpoint is not None:
            raise ValueError('an ONNX model holds its weights; do not give '
                             'a checkpoint with it')
        return ONNXClassificationInferencer(model, device, classes)
    net = load_pytorch_model(model, checkpoint, device, classes)
    return ImageClassificationInferencer(
        net, pretrained=False, classes=list(net._dataset_meta['classes']))


def preprocess_crops(classifier: ImageClassificationInferencer,
                     crops: Sequence[np.ndarray]) -> torch.Tensor:
    """Face crops (BGR arrays) as the PyTorch model sees them: the test
    pipeline, then the data preprocessor (channel order, normalisation).

    Returns:
        torch.Tensor: ``N x C x H x W`` float batch.
    """
    data = next(iter(classifier.preprocess(list(crops), len(crops))))
    return classifier.model.data_preprocessor(data, False)['inputs']
