"""Checkpoint loading with ``torch.load(weights_only=True)`` only.

mmengine's checkpoints hold a few non-tensor objects: the message hub's
``HistoryBuffer`` (which pickles its statistics methods as
``getattr(HistoryBuffer, 'mean')``) and numpy arrays and scalars.
:func:`safe_globals` lists exactly those objects for torch's weights-only
unpickler, and :func:`load_checkpoint_weights_only` always passes
``weights_only=True`` and turns the unpickler's refusal of anything else into
an :class:`UnsafeCheckpointError` that names the file and the refused object.
Arbitrary pickled objects are never executed. Nothing here is registered
with torch or mmengine on import: :mod:`.framework_patches` does that.
"""
import os.path as osp
import pickle
from typing import Any, Callable, List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

try:  # numpy >= 2
    from numpy._core import multiarray as _np_multiarray
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core import multiarray as _np_multiarray

__all__ = [
    'UnsafeCheckpointError', 'history_buffer_getattr', 'safe_globals',
    'load_checkpoint_weights_only'
]


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds an object outside the weights-only allow-list."""


def history_buffer_getattr(obj: Any, name: str) -> Callable:
    """``getattr`` restricted to the methods of ``HistoryBuffer``.

    Pickle stores the functions in ``HistoryBuffer._statistics_methods`` as
    ``builtins.getattr(HistoryBuffer, name)``. Allow-listing the real
    ``getattr`` would let a checkpoint reach any attribute of any allowed
    object, so this stand-in is registered under the name
    ``builtins.getattr`` instead.

    Args:
        obj: Must be the ``HistoryBuffer`` class.
        name: A public method of ``HistoryBuffer`` (``'mean'``, ``'min'``,
            ``'max'``, ``'current'`` or one registered through
            ``HistoryBuffer.statistics_methods``).

    Returns:
        Callable: The method ``HistoryBuffer.<name>``.
    """
    if obj is not HistoryBuffer or name.startswith('_') or not callable(
            getattr(HistoryBuffer, name, None)):
        raise UnsafeCheckpointError(
            f'refused getattr({obj!r}, {name!r}): only public methods of '
            'mmengine.logging.HistoryBuffer may be looked up by a checkpoint')
    return getattr(HistoryBuffer, name)


def safe_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """Everything an mmengine/mmpretrain training checkpoint holds besides
    tensors and plain Python containers.

    Returns:
        list: Objects, or ``(object, pickled name)`` pairs, in the form of
        ``torch.serialization.add_safe_globals``.
    """
    return [
        HistoryBuffer,
        (history_buffer_getattr, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
        (_np_multiarray._reconstruct,
         f'{_np_multiarray.__name__}._reconstruct'),
        (_np_multiarray.scalar, f'{_np_multiarray.__name__}.scalar'),
        # Unpickling a dtype sets its state, which checks the dtype's own
        # class (numpy.dtypes.Float64DType and the like).
        *{
            type(np.dtype(code))
            for code in '?' + np.typecodes['AllInteger'] +
            np.typecodes['AllFloat']
        },
    ]


def load_checkpoint_weights_only(filename: str,
                                 map_location: Optional[Union[
                                     str, torch.device]] = None) -> Any:
    """Load a local checkpoint with ``weights_only=True``.

    :func:`~sqsnet_mm.engine.framework_patches.use_weights_only_loader`
    makes it mmengine's loader for local paths (prefix ``''``), so that
    ``Runner.resume``, ``load_from``, ``load_checkpoint`` and the
    ``Pretrained`` initialiser go through it.

    Args:
        filename: Path of the checkpoint.
        map_location: As for ``torch.load``.

    Returns:
        The loaded object (usually a dict).

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        UnsafeCheckpointError: The file holds an object that is not allowed
            (for example an arbitrary pickled class or function).
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        # Keep torch's diagnosis, drop its advice to retry unsafely.
        reason = str(err).split('WeightsUnpickler error:')[-1]
        reason = reason.split('Check the documentation of torch.load')[0]
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {filename}: it holds an object '
            'outside the weights-only allow-list (unpickling it could run '
            f'arbitrary code): {reason.strip()}') from err
