"""Load-time checks of the image files a data set lists.

Three levels, chosen with a data set's ``image_check`` argument:

- ``'exists'``: every listed image exists (one directory listing per folder,
  so 300,000 images cost a fraction of a second).
- ``'quick'`` (the data sets' default): also non-empty, with a known image
  signature, and for JPEG and PNG the end marker (``FFD9``, ``IEND``), which
  a truncated download lacks. Two small reads per file; files of another
  format are decoded instead.
- ``'decode'``: ``'quick'`` plus a full OpenCV decode of every image.

Each failure raises an error that names the image and where it was listed.
"""
import os
import os.path as osp
from typing import Callable, Dict, Optional, Sequence, Set

import cv2
import numpy as np

IMAGE_CHECKS = ('exists', 'quick', 'decode')

# signature -> (format name, end marker searched in the last bytes)
_SIGNATURES = {
    b'\xff\xd8\xff': ('JPEG', b'\xff\xd9'),
    b'\x89PNG\r\n\x1a\n': ('PNG', b'IEND\xaeB`\x82'),
}
# JPEG writers may pad after the end marker; search this many last bytes.
_TAIL_BYTES = 1024


def _decode_problem(path: str) -> Optional[str]:
    """Return why OpenCV cannot decode ``path``, or None if it can."""
    data = np.fromfile(path, dtype=np.uint8)
    if cv2.imdecode(data, cv2.IMREAD_UNCHANGED) is None:
        return 'cannot be decoded by OpenCV (unreadable or truncated image)'
    return None


def image_problem(path: str, mode: str = 'quick') -> Optional[str]:
    """Inspect one existing image file.

    Args:
        path (str): Path of the image.
        mode (str): ``'quick'`` or ``'decode'``, see the module docstring.

    Returns:
        str | None: A description of the problem, or None if the file passes.
    """
    size = osp.getsize(path)
    if size == 0:
        return 'is empty (0 bytes)'
    with open(path, 'rb') as f:
        head = f.read(8)
        f.seek(max(0, size - _TAIL_BYTES))
        tail = f.read()
    for signature, (fmt, end_marker) in _SIGNATURES.items():
        if head.startswith(signature):
            if end_marker not in tail:
                return (f'is a truncated {fmt} file (no end marker '
                        f'{end_marker!r} in its last {_TAIL_BYTES} bytes)')
            return _decode_problem(path) if mode == 'decode' else None
    return _decode_problem(path)


def check_images(paths: Sequence[str],
                 where: Callable[[int], str],
                 mode: str = 'quick') -> None:
    """Check the images a data set lists, raising on the first bad one.

    Args:
        paths (Sequence[str]): Image paths.
        where (Callable[[int], str]): Maps the index of a path to where it was
            listed, e.g. ``'EmoLabel/list_patition_label.txt:12'``; only
            called to build an error message.
        mode (str): One of :data:`IMAGE_CHECKS`.

    Raises:
        FileNotFoundError: An image does not exist.
        ValueError: An image is empty, truncated or cannot be decoded.
    """
    if mode not in IMAGE_CHECKS:
        raise ValueError(
            f'image_check must be one of {IMAGE_CHECKS}, got {mode!r}')
    listings: Dict[str, Set[str]] = {}
    for i, path in enumerate(paths):
        folder, name = osp.split(path)
        names = listings.get(folder)
        if names is None:
            names = set(os.listdir(folder)) if osp.isdir(folder) else set()
            listings[folder] = names
        if name not in names:
            raise FileNotFoundError(f'{where(i)}: image {path} does not exist')
        if mode != 'exists':
            problem = image_problem(path, mode)
            if problem is not None:
                raise ValueError(f'{where(i)}: image {path} {problem}')
