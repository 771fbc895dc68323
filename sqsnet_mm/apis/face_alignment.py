"""Cut an aligned face out of a photo, as the training faces were cut.

RAF-DB's aligned images (and FERPlus/AffectNet crops after the usual
preprocessing) are faces rotated so the line through the eyes is
horizontal, cropped around the face with a small margin. :func:`crop_face`
does the same with the box and eye centres of a :class:`Face`: it rotates
the image about the box centre by the eye-line angle and cuts a square of
side ``max(w, h) * (1 + 2 * margin)`` centred on the box, in one affine
warp (pixels outside the image replicate its border).
"""
import math
from typing import Tuple

import cv2
import numpy as np

from .face_detectors import Face


def eye_line_angle(face: Face) -> float:
    """Tilt of the eye line in degrees (positive: the eye on the image's
    right is lower), 0 when the eyes are unknown."""
    if face.eyes is None:
        return 0.
    (lx, ly), (rx, ry) = face.eyes
    return math.degrees(math.atan2(ry - ly, rx - lx))


def crop_face(image: np.ndarray,
              face: Face,
              margin: float = 0.2,
              align: bool = True) -> Tuple[np.ndarray, float]:
    """Square crop of a face, rotated so the eyes are level.

    Args:
        image (np.ndarray): The whole image (``H x W`` or ``H x W x C``).
        face (Face): The face; its ``eyes`` are used when ``align``.
        margin (float): Extra context on each side as a fraction of the
            longer box side. Defaults to 0.2.
        align (bool): Rotate so the eye line is horizontal when the eyes
            are known. Defaults to True.

    Returns:
        tuple: The crop (same dtype and channels as ``image``) and the
        rotation applied in degrees (0 when not aligned).
    """
    if margin < 0:
        raise ValueError(f'margin must be >= 0, got {margin}')
    x, y, w, h = face.box
    if w <= 0 or h <= 0:
        raise ValueError(f'empty face box {face.box}')
    side = max(1, int(round(max(w, h) * (1 + 2 * margin))))
    cx, cy = x + w / 2, y + h / 2
    angle = eye_line_angle(face) if align else 0.
    # cv2's positive angle turns the image counter-clockwise on screen,
    # which levels an eye line that falls to the right.
    matrix = cv2.getRotationMatrix2D((cx, cy), angle, 1.)
    matrix[:, 2] += (side / 2 - cx, side / 2 - cy)
    crop = cv2.warpAffine(
        image,
        matrix, (side, side),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE)
    return crop, angle
