"""Make an image look like a model's training face crops: grey, resized.

A model trained on ready-made face crops (FER2013's 48 x 48 grey faces,
CK+48) has only seen grey faces of one resolution; its data set config says
so in its ``face_crop`` key (``sqsnet_mm.apis.face_crop``). The inference
path cuts each detected face and then applies :func:`match_face_crop`;
:class:`MatchFaceCrop` applies it to the images of a data set, which are
already cut faces (e.g. a colour set tested on a model trained on grey
faces, ``tools/cross_dataset_test.py``).
"""
import numbers
from typing import Optional

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

#: Values of ``color``.
COLORS = ('color', 'grey')


def check_color(value, where: str) -> str:
    """``value`` if it is one of :data:`COLORS`, else a ValueError.

    Args:
        value: The colour setting.
        where (str): What the setting is, for the error message.
    """
    if value not in COLORS:
        raise ValueError(f'{where}: the color must be one of {COLORS}')
    return value


def check_size(value, where: str) -> Optional[int]:
    """``value`` as a side in pixels, None (or 0) meaning not resized.

    Args:
        value: The size setting.
        where (str): What the setting is, for the error message.

    Returns:
        int, optional: The side, or None for no resize.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or value < 0:
        raise ValueError(f'{where}: the size must be an integer >= 0 '
                         '(pixels; 0 or None: not resized)')
    return int(value) or None


def match_face_crop(image: np.ndarray, color: str,
                    size: Optional[int]) -> np.ndarray:
    """A face crop in the colour and at the size of the training crops.

    Args:
        image (np.ndarray): BGR ``H x W x 3`` (or grey ``H x W``) ``uint8``
            face crop.
        color (str): ``'color'`` (kept as it is) or ``'grey'`` (converted to
            grey, replicated to 3 channels as the grey training images are
            read).
        size (int, optional): Side in pixels the crop is resized to (area
            interpolation); None: not resized.

    Returns:
        np.ndarray: The crop.
    """
    if color == 'grey':
        grey = image if image.ndim == 2 else cv2.cvtColor(
            image, cv2.COLOR_BGR2GRAY)
        image = cv2.merge([grey] * 3)
    if size is not None:
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
    return image


@TRANSFORMS.register_module()
class MatchFaceCrop(BaseTransform):
    """Make a face image grey and / or resize it as a model's training crops.

    Place it right after ``LoadImageFromFile`` (and ``CropFaceBox``, if
    any), before the test pipeline's own resize, with the ``color`` and
    ``size`` of the model config's ``face_crop`` key. The image is taken as
    an already cut face: ``face_crop.margin`` does not apply.

    Required keys: ``img``.
    Modified keys: ``img``, ``img_shape``.

    Args:
        color (str): ``'color'`` (default, unchanged) or ``'grey'``.
        size (int, optional): Side in pixels; None or 0 (default): not
            resized.
    """

    def __init__(self, color: str = 'color', size: Optional[int] = None):
        self.color = check_color(color, f'MatchFaceCrop: color={color!r}')
        self.size = check_size(size, f'MatchFaceCrop: size={size!r}')

    def transform(self, results: dict) -> dict:
        """Replace ``results['img']`` by its matched crop."""
        img = match_face_crop(results['img'], self.color, self.size)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(color={self.color!r}, '
                f'size={self.size})')
