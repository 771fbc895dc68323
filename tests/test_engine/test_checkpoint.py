"""Weights-only checkpoint loading: mmengine checkpoints load, pickled code
is refused."""
import pickle
from typing import Iterator

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine import UnsafeCheckpointError, use_weights_only_loader
from .toy_runner import toy_runner


@pytest.fixture
def weights_only_loader() -> Iterator[None]:
    """mmengine's local-file loader replaced as ``tools/train.py`` and
    ``tools/test.py`` replace it, restored afterwards."""
    loader = CheckpointLoader._get_checkpoint_loader('model.pth')
    use_weights_only_loader()
    yield
    CheckpointLoader.register_scheme('', loader=loader, force=True)


def test_mmengine_checkpoint_loads_weights_only(tmp_path):
    # a real mmengine checkpoint: message hub HistoryBuffers, numpy values
    toy_runner(tmp_path / 'ckpt').train()
    path = str(tmp_path / 'ckpt' / 'epoch_1.pth')
    # without the allow-list torch refuses it
    allowed = torch.serialization.get_safe_globals()
    torch.serialization.clear_safe_globals()
    try:
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(path)
        assert 'mmengine.logging.history_buffer.HistoryBuffer' in unsafe
        with pytest.raises(pickle.UnpicklingError):
            torch.load(path)
    finally:
        torch.serialization.add_safe_globals(allowed)
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    buffers = ckpt['message_hub']['log_scalars']
    assert isinstance(buffers['train/loss'], HistoryBuffer)
    assert buffers['train/loss'].mean() == pytest.approx(
        float(np.mean(buffers['train/loss'].data[0])))
    # torch.load as mmengine calls it (no weights_only) works as well
    assert torch.load(path)['meta']['epoch'] == 1


class _Payload:
    """Pickles as a call of ``open(marker, 'w')``: it would create a file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


class _Lookup:
    """Pickles as ``getattr(HistoryBuffer, name)``."""

    def __init__(self, name):
        self.name = name

    def __reduce__(self):
        return (getattr, (HistoryBuffer, self.name))


def test_pickled_object_is_refused(tmp_path, weights_only_loader):
    marker = tmp_path / 'executed'
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, extra=_Payload(str(marker))), path)
    with pytest.raises(UnsafeCheckpointError) as err:
        CheckpointLoader.load_checkpoint(path)
    assert 'evil.pth' in str(err.value) and 'open' in str(err.value)
    assert 'weights_only` set to `False' not in str(err.value)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path)
    assert not marker.exists()


@pytest.mark.parametrize('name', ['__init__', '_statistics_methods',
                                  '__class__'])
def test_getattr_only_reaches_history_buffer_methods(tmp_path, name,
                                                     weights_only_loader):
    path = str(tmp_path / 'lookup.pth')
    torch.save(dict(x=_Lookup(name)), path)
    with pytest.raises(UnsafeCheckpointError, match='refused getattr'):
        CheckpointLoader.load_checkpoint(path)
    torch.save(dict(x=_Lookup('mean')), path)
    assert CheckpointLoader.load_checkpoint(path)['x'] is HistoryBuffer.mean


def test_weights_only_loader_ignores_the_unsafe_environment_switch(
        tmp_path, monkeypatch, weights_only_loader):
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    marker = tmp_path / 'executed'
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(extra=_Payload(str(marker))), path)
    with pytest.raises(UnsafeCheckpointError, match='evil.pth'):
        CheckpointLoader.load_checkpoint(path)
    assert not marker.exists()


@pytest.mark.skipif(
    torch.__version__ < '2.6', reason='torch < 2.6 loads unsafely by default')
def test_mmengine_loader_refuses_pickled_code_after_import(tmp_path):
    """What MMPretrain's own tools with ``custom_imports=['sqsnet_mm']`` do:
    mmengine's loader, torch's weights-only default and our allow-list."""
    marker = tmp_path / 'executed'
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(extra=_Payload(str(marker))), path)
    with pytest.raises(pickle.UnpicklingError):
        CheckpointLoader.load_checkpoint(path)
    assert not marker.exists()
