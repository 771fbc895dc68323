"""How face crops are prepared at inference: as the training faces were cut.

A model trained on ready-made face crops (FER2013's 48 x 48 grey faces,
CK+48) has only seen faces cut with a given margin, in grey, at a given
resolution. Its data set config says so in a top-level key that the
inference path reads::

    face_crop = dict(margin=0.0, color='grey', size=48)

- ``margin``: context around the detected face box on each side, as a
  fraction of its longer side (:func:`.crop_face`: the crop's side is
  ``max(w, h) * (1 + 2 * margin)``).
- ``color``: ``'color'`` (keep the photo's colours) or ``'grey'`` (convert
  to grey, replicated to 3 channels as the grey training images are read).
- ``size``: side in pixels the crop is resized to (area interpolation)
  before the config's test pipeline, which then resizes it as it resized
  the training images; None (or 0, e.g. ``--crop-size 0`` over a config
  that sets a size) keeps the crop's own resolution.

Each field may be omitted; an argument given explicitly (``margin=`` /
``--margin`` ...) overrides the config, and a field neither gives is the
default (margin 0.2, colour kept, no resize), which is also what a config
without the key gets.
"""
import numbers
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional, Tuple

import numpy as np

from sqsnet_mm.datasets.transforms.match_face_crop import (check_color,
                                                           check_size,
                                                           match_face_crop)
from .face_alignment import crop_face
from .face_detectors import Face

#: The config key read by :func:`face_crop_settings`.
FACE_CROP_KEY = 'face_crop'
#: Values used when neither the arguments nor the config give a field.
DEFAULTS = dict(margin=0.2, color='color', size=None)

#: Where a setting came from, as logged.
FROM_ARGUMENT = 'argument'
FROM_CONFIG = f'config {FACE_CROP_KEY}'
FROM_DEFAULT = 'default'


def _check(name: str, value, origin: str):
    """``value`` of field ``name`` if valid, else a ValueError naming the
    key, the value and where it came from."""
    where = f'{FACE_CROP_KEY}.{name}={value!r} (from {origin})'
    if name == 'margin':
        if isinstance(value, bool) or not isinstance(
                value, numbers.Real) or not value >= 0:
            raise ValueError(f'{where}: the margin must be a number >= 0')
        return float(value)
    if name == 'color':
        return check_color(value, where)
    return check_size(value, where)


@dataclass(frozen=True)
class FaceCropSettings:
    """Margin, colour and size of the face crops fed to the test pipeline.

    Build it with :func:`face_crop_settings` (config + arguments).

    Args:
        margin (float): Context on each side, fraction of the box side.
        color (str): ``'color'`` or ``'grey'``.
        size (int, optional): Crop side in pixels; None or 0: not
            resized.
        origins (dict): Where each field came from (``'argument'``,
            ``'config face_crop'`` or ``'default'``), for the log.
    """
    margin: float = DEFAULTS['margin']
    color: str = DEFAULTS['color']
    size: Optional[int] = DEFAULTS['size']
    origins: Dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for name in DEFAULTS:
            # frozen: normalised values (0 -> 0.0, size 0 -> None) are set
            # through object.__setattr__
            object.__setattr__(
                self, name,
                _check(name, getattr(self, name),
                       self.origins.get(name, FROM_ARGUMENT)))

    def prepare(self,
                image: np.ndarray,
                face: Face,
                align: bool = True) -> Tuple[np.ndarray, float]:
        """The crop of ``face`` that the test pipeline receives.

        Args:
            image (np.ndarray): The whole BGR ``uint8`` image.
            face (Face): The detected face.
            align (bool): Level the eye line (see :func:`.crop_face`).

        Returns:
            tuple: The ``H x W x 3`` crop and the rotation in degrees.
        """
        crop, angle = crop_face(image, face, self.margin, align)
        return match_face_crop(crop, self.color, self.size), angle

    def describe(self) -> str:
        """One line with each value and where it came from."""
        origins = {name: FROM_ARGUMENT for name in DEFAULTS}
        origins.update(self.origins)
        return 'face crops: ' + ', '.join(
            f'{name} {getattr(self, name)} ({origins[name]})'
            for name in DEFAULTS)


def face_crop_settings(config: Optional[Mapping] = None,
                       margin: Optional[float] = None,
                       color: Optional[str] = None,
                       size: Optional[int] = None) -> FaceCropSettings:
    """Face-crop settings: explicit arguments, else the config's
    ``face_crop`` key, else :data:`DEFAULTS`.

    Args:
        config (Mapping, optional): The model's config (its top-level
            ``face_crop`` dict is read when present).
        margin (float, optional): Explicit margin.
        color (str, optional): Explicit colour (``'color'``/``'grey'``).
        size (int, optional): Explicit crop side in pixels (0: not
            resized).

    Returns:
        FaceCropSettings: The settings and their origins.

    Raises:
        ValueError: If ``face_crop`` is not a dict, has unknown fields, or
            a value (config or argument) is invalid; the message names the
            key, the value and its origin.
    """
    section = (config or {}).get(FACE_CROP_KEY)
    if section is None:
        section = {}
    if not isinstance(section, Mapping):
        raise ValueError(f'config key {FACE_CROP_KEY} must be a dict like '
                         f'dict(margin=0.0, color="grey", size=48), got '
                         f'{section!r}')
    unknown = sorted(set(section) - set(DEFAULTS))
    if unknown:
        raise ValueError(f'config key {FACE_CROP_KEY} has unknown fields '
                         f'{unknown}; known: {list(DEFAULTS)}')
    given = dict(margin=margin, color=color, size=size)
    values, origins = {}, {}
    for name, default in DEFAULTS.items():
        if given[name] is not None:
            values[name], origins[name] = given[name], FROM_ARGUMENT
        elif name in section:
            values[name], origins[name] = section[name], FROM_CONFIG
        else:
            values[name], origins[name] = default, FROM_DEFAULT
    return FaceCropSettings(**values, origins=origins)
