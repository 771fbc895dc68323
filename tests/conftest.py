"""Fixtures shared by the whole test tree."""
import os.path as osp

import pytest

from .utils import CKPLUS_ROOT


@pytest.fixture(scope='session')
def ckplus_root() -> str:
    """The CK+48 faces (``<class>/<subject>_<seq>_<frame>.png``) at
    ``../shared/data/ckplus48`` beside the repository; the test is skipped,
    with this path as the reason, when they are absent."""
    if not osp.isdir(CKPLUS_ROOT):
        pytest.skip(f'CK+48 faces not found at {CKPLUS_ROOT}')
    return CKPLUS_ROOT


def pytest_report_header(config):
    found = 'found' if osp.isdir(CKPLUS_ROOT) else 'MISSING: tests skipped'
    return f'CK+48 faces: {CKPLUS_ROOT} ({found})'

