"""Class activation maps of face crops with the ``grad-cam`` package.

By default the CAM is taken on the backbone's last output, the
``N x C x H x W`` map that the neck pools (for SQSNet, the fused
cross-attention map): a forward hook routes that output through an
``nn.Identity`` "tap" that grad-cam hooks, so no backbone-specific layer
name is needed. Other layers are chosen by name (``backbone.layer4``).
"""
from typing import Dict, List, Optional, Sequence, Union

import cv2
import numpy as np
import torch
from mmpretrain.apis import ImageClassificationInferencer
from torch import nn

from .crop_classifier import preprocess_crops
from .onnx_export import LogitsModel


def _cam_methods() -> Dict[str, type]:
    import pytorch_grad_cam as gc
    return {
        'gradcam': gc.GradCAM,
        'gradcam++': gc.GradCAMPlusPlus,
        'xgradcam': gc.XGradCAM,
        'hirescam': gc.HiResCAM,
        'layercam': gc.LayerCAM,
        'eigencam': gc.EigenCAM,
        'eigengradcam': gc.EigenGradCAM,
    }


#: Names accepted by ``method``.
CAM_METHODS = ('gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam',
               'eigencam', 'eigengradcam')


class BackboneOutputTap(nn.Identity):
    """An ``nn.Identity`` that the backbone's last output passes through.

    Args:
        backbone (nn.Module): The backbone; its forward output (a tensor or
            a tuple whose last item is the deepest map) is routed through
            this module until :meth:`remove`.
    """

    def __init__(self, backbone: nn.Module) -> None:
        super().__init__()
        self._handle = backbone.register_forward_hook(self._route)

    def _route(self, module: nn.Module, args, outputs):
        if isinstance(outputs, (tuple, list)):
            return type(outputs)([*outputs[:-1], self(outputs[-1])])
        return self(outputs)

    def remove(self) -> None:
        """Stop routing the backbone's output."""
        self._handle.remove()


class FaceCAM:
    """Class activation map of a face crop for a chosen class.

    Args:
        classifier (ImageClassificationInferencer): A PyTorch crop
            classifier (e.g. ``FaceExpressionInferencer(...).classifier``).
        method (str): One of :data:`CAM_METHODS`. Defaults to 'gradcam'.
        target_layers (Sequence[str], optional): Module names in the model;
            default: the backbone's last output (see module doc).
    """

    def __init__(self,
                 classifier: ImageClassificationInferencer,
                 method: str = 'gradcam',
                 target_layers: Optional[Sequence[str]] = None) -> None:
        if classifier.model is None:
            raise ValueError('CAMs need the PyTorch back-end (a config and '
                             'checkpoint), not an ONNX model')
        if method not in CAM_METHODS:
            raise ValueError(f'method must be one of {CAM_METHODS}, got '
                             f'{method!r}')
        self.classifier = classifier
        self.classes = list(classifier.classes)
        self.method = method
        self.target_layers = target_layers

    def _layers(self, model: nn.Module) -> List[nn.Module]:
        layers = []
        for name in self.target_layers:
            try:
                layers.append(model.get_submodule(name))
            except AttributeError as e:
                raise ValueError(f'no module {name!r} in the model') from e
        return layers

    def __call__(self,
                 crop: np.ndarray,
                 target: Union[int, str, None] = None) -> dict:
        """CAM of one face crop.

        Args:
            crop (np.ndarray): BGR face crop.
            target (int | str, optional): Class index or name; default the
                predicted class.

        Returns:
            dict: ``cam`` (``H x W`` in [0, 1], at the network's input
            size), ``overlay`` (BGR ``uint8``, the network's input image
            with the CAM as a heat map), ``target`` (class name),
            ``probabilities`` (all classes).
        """
        model = self.classifier.model
        inputs = preprocess_crops(self.classifier, [crop])
        with torch.no_grad():
            probs = LogitsModel(model)(inputs).softmax(dim=1)[0].numpy()
        if target is None:
            target = int(probs.argmax())
        elif isinstance(target, str):
            if target not in self.classes:
                raise ValueError(f'unknown class {target!r}; classes: '
                                 f'{self.classes}')
            target = self.classes.index(target)
        elif not 0 <= target < len(self.classes):
            raise ValueError(f'class index {target} out of range '
                             f'0..{len(self.classes) - 1}')
        from pytorch_grad_cam.utils.image import show_cam_on_image
        from pytorch_grad_cam.utils.model_targets import \
            ClassifierOutputTarget
        tap = None if self.target_layers else BackboneOutputTap(model.backbone)
        try:
            layers = [tap] if tap is not None else self._layers(model)
            with _cam_methods()[self.method](LogitsModel(model),
                                             layers) as cam:
                heat = cam(inputs, [ClassifierOutputTarget(target)])[0]
        finally:
            if tap is not None:
                tap.remove()
        # the network's input image: test pipeline output, before
        # normalisation (PackInputs gives C x H x W in BGR order)
        data = next(iter(self.classifier.preprocess([crop], 1)))
        shown = data['inputs'][0].permute(1, 2, 0).numpy()
        if shown.shape[2] == 1:
            shown = cv2.cvtColor(shown, cv2.COLOR_GRAY2BGR)
        overlay = show_cam_on_image(
            shown.astype(np.float32) / 255., heat, use_rgb=False)
        return dict(
            cam=heat,
            overlay=overlay,
            target=self.classes[target],
            probabilities=dict(zip(self.classes, probs.tolist())))
