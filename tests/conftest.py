"""Fixtures shared by the whole test tree."""
import os.path as osp

import pytest

from .utils import CKPLUS_ROOT, FERPLUS_ROOT, data_roots


def _require(root: str, what: str) -> str:
    """``root`` if it is a folder, else skip the test naming the paths
    searched (:func:`tests.utils.data_roots`)."""
    if not osp.isdir(root):
        searched = ' or '.join(data_roots(osp.basename(root)))
        pytest.skip(f'{what} not found at {searched}')
    return root


@pytest.fixture(scope='session')
def ckplus_root() -> str:
    """The CK+48 faces (``<class>/<subject>_<seq>_<frame>.png``) at
    ``data/ckplus48`` in the repository or ``../shared/data/ckplus48``
    beside it; the test is skipped, naming both paths, when they are
    absent."""
    return _require(CKPLUS_ROOT, 'CK+48 faces')


@pytest.fixture(scope='session')
def ferplus_root() -> str:
    """FERPlus as prepared by
    ``tools/dataset_converters/prepare_ferplus.py`` at ``data/ferplus`` in
    the repository or ``../shared/data/ferplus`` beside it; the test is
    skipped, naming both paths, when it is absent."""
    return _require(FERPLUS_ROOT, 'FERPlus')


def pytest_report_header(config):
    lines = []
    for what, root in (('CK+48 faces', CKPLUS_ROOT),
                       ('FERPlus', FERPLUS_ROOT)):
        found = 'found' if osp.isdir(root) else 'MISSING: tests skipped'
        lines.append(f'{what}: {root} ({found})')
    return lines

