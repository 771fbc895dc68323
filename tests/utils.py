"""Paths and helpers shared by the test modules.

Data that the repository does not ship (the CK+48 faces, FERPlus) is
looked up where the configs read it, ``data/<name>`` inside the repository
(a link the user makes, docs/datasets.md), then in ``../shared/data/<name>``
beside the checkout; tests that need it take the ``ckplus_root`` or
``ferplus_root`` fixture of ``tests/conftest.py``, which skips them with the
paths searched as the reason (listed in pytest's short summary).
"""
import importlib.util
import os.path as osp
from types import ModuleType
from typing import Tuple

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def data_roots(name: str) -> Tuple[str, str]:
    """Where the tests look for the data set folder ``name``, in order.

    Args:
        name (str): The folder name, e.g. ``'ckplus48'``.

    Returns:
        Tuple[str, str]: ``data/<name>`` in the repository and
        ``../shared/data/<name>`` beside it.
    """
    return (osp.join(REPO_ROOT, 'data', name),
            osp.normpath(osp.join(REPO_ROOT, '..', 'shared', 'data', name)))


def find_data_root(name: str) -> str:
    """The first of :func:`data_roots` that is a folder, else the first.

    Args:
        name (str): The folder name, e.g. ``'ckplus48'``.

    Returns:
        str: The folder to read (the in-repository one when none exists).
    """
    roots = data_roots(name)
    return next((root for root in roots if osp.isdir(root)), roots[0])


CKPLUS_ROOT = find_data_root('ckplus48')
FERPLUS_ROOT = find_data_root('ferplus')


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
