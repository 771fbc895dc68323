"""Paths and helpers shared by the test modules.

Data that the repository does not ship (the CK+48 faces) is looked up
beside the checkout, in ``../shared/data``; tests that need it take the
``ckplus_root`` fixture of ``tests/conftest.py``, which skips them with the
missing path as the reason (listed in pytest's short summary).
"""
import importlib.util
import os.path as osp
from types import ModuleType

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA_ROOT = osp.normpath(osp.join(REPO_ROOT, '..', 'shared', 'data'))
CKPLUS_ROOT = osp.join(SHARED_DATA_ROOT, 'ckplus48')


def load_script(path: str) -> ModuleType:
    """Import a command-line script of the repository as a module.

    Args:
        path (str): The script's path relative to the repository root,
            e.g. ``'tools/dataset_converters/prepare_ferplus.py'``.

    Returns:
        ModuleType: The executed module (call its ``main``).
    """
    name = osp.splitext(path)[0].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name,
                                                  osp.join(REPO_ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
