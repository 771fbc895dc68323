"""Export the inference classifier to ONNX and check it against PyTorch.

The graph maps normalised images ``input`` (N x 3 x H x W, float32, as the
data preprocessor outputs them) to ``logits`` (N x C), with a dynamic batch
axis. A :class:`QuadImageClassifier` is first reduced to the plain
classifier that ships (:func:`sqsnet_mm.models.to_inference_classifier`:
no SQS module, no enhanced classifier). The ONNX file's metadata carries
what :class:`ONNXClassificationInferencer` needs: the config (test
pipeline), the data preprocessor and the class names.
"""
import json
import warnings
from contextlib import contextmanager
from typing import Iterator, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from torch import nn

from .onnx_inferencer import (META_CLASSES, META_CONFIG, META_PREPROCESSOR,
                              onnx_providers)


def deployable_classifier(model: BaseModel) -> BaseModel:
    """The model to export: SQS parts removed from a QuadImageClassifier,
    any other MMPretrain classifier unchanged."""
    from sqsnet_mm.models import QuadImageClassifier, to_inference_classifier
    if isinstance(model, QuadImageClassifier):
        return to_inference_classifier(model).eval()
    return model.eval()


def _window_reverse(windows: torch.Tensor, H: int, W: int,
                    window_size: int) -> torch.Tensor:
    """``ShiftWindowMSA.window_reverse`` without a Python ``int()`` of the
    batch size (same result)."""
    channels = windows.shape[-1]
    x = windows.view(-1, H // window_size, W // window_size, window_size,
                     window_size, channels)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, H, W, channels)


@contextmanager
def traceable_swin() -> Iterator[None]:
    """Make MMPretrain's Swin windows traceable with a dynamic batch.

    MMPretrain 1.2's ``ShiftWindowMSA.window_reverse`` computes the batch
    size with ``int(windows.shape[0] / ...)``, which the TorchScript tracer
    freezes to the batch of the dummy input: the graph then gives wrong
    logits (differences ~1e-1) for any other batch size. Within this
    context the method uses ``view(-1, ...)`` instead.
    """
    from mmpretrain.models.utils.attention import ShiftWindowMSA
    original = ShiftWindowMSA.__dict__['window_reverse']
    ShiftWindowMSA.window_reverse = staticmethod(_window_reverse)
    try:
        yield
    finally:
        ShiftWindowMSA.window_reverse = original


class LogitsModel(nn.Module):
    """``images -> logits`` of an MMPretrain classifier (``tensor`` mode).

    Args:
        classifier (BaseModel): An MMPretrain ``ImageClassifier``.
    """

    def __init__(self, classifier: BaseModel) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        logits = self.classifier(inputs, mode='tensor')
        if isinstance(logits, (tuple, list)):
            logits = logits[-1]
        return logits


def preprocessor_config(model: BaseModel) -> dict:
    """Settings of the model's ``ClsDataPreprocessor`` (inference part:
    channel order, normalisation, padding) as a JSON-able config."""
    pre = model.data_preprocessor
    cfg = dict(
        type='ClsDataPreprocessor',
        to_rgb=bool(pre.to_rgb),
        pad_size_divisor=int(pre.pad_size_divisor),
        pad_value=float(pre.pad_value))
    if pre._enable_normalize:
        cfg.update(
            mean=pre.mean.flatten().tolist(), std=pre.std.flatten().tolist())
    return cfg


def export_onnx(model: BaseModel,
                cfg: Config,
                classes: Sequence[str],
                out_file: str,
                input_shape: Tuple[int, int, int],
                opset: int = 17) -> None:
    """Export a classifier's logits to ONNX with a dynamic batch axis.

    Uses the TorchScript exporter (``dynamo=False``), which needs nothing
    beyond ``torch`` and ``onnx``, within :func:`traceable_swin`.

    Args:
        model (BaseModel): The classifier (see
            :func:`deployable_classifier`), in eval mode.
        cfg (Config): Its config, stored in the metadata.
        classes (Sequence[str]): Class names, stored in the metadata.
        out_file (str): The ``.onnx`` file to write.
        input_shape (tuple): ``(C, H, W)`` of one preprocessed image.
        opset (int): ONNX opset. Defaults to 17.
    """
    import onnx
    wrapper = LogitsModel(model).eval()
    dummy = torch.zeros(2, *input_shape)
    with torch.no_grad(), traceable_swin(), warnings.catch_warnings():
        # shape checks (asserts, padding branches) are traced as constants:
        # right for the fixed input size, and the parity check verifies it
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        torch.onnx.export(
            wrapper, (dummy, ),
            out_file,
            dynamo=False,
            input_names=['input'],
            output_names=['logits'],
            dynamic_axes=dict(input={0: 'batch'}, logits={0: 'batch'}),
            opset_version=opset)
    graph = onnx.load(out_file)
    onnx.checker.check_model(graph)
    meta = {
        META_CONFIG: cfg.pretty_text,
        META_CLASSES: json.dumps(list(classes)),
        META_PREPROCESSOR: json.dumps(preprocessor_config(model)),
    }
    onnx.helper.set_model_props(graph, meta)
    onnx.save(graph, out_file)


def onnx_max_abs_diff(model: BaseModel, onnx_file: str,
                      inputs: torch.Tensor) -> float:
    """Largest absolute difference between ONNX Runtime's and PyTorch's
    logits on ``inputs`` (preprocessed images, N x C x H x W).

    Raises:
        ValueError: If the output shapes differ.
    """
    import onnxruntime as ort
    session = ort.InferenceSession(onnx_file, providers=onnx_providers('cpu'))
    ort_logits = session.run(None, {'input': inputs.numpy()})[0]
    with torch.no_grad():
        torch_logits = LogitsModel(model).eval()(inputs).numpy()
    if ort_logits.shape != torch_logits.shape:
        raise ValueError(f'ONNX output {ort_logits.shape} vs PyTorch '
                         f'{torch_logits.shape}')
    return float(np.abs(ort_logits - torch_logits).max())
