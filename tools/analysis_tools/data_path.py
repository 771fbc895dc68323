"""Data path of SQSNet training: the quad sampler and the loader.

The measurement is :mod:`sqsnet_mm.analysis.data_path`; run from the
repository root. Example::

    python tools/analysis_tools/data_path.py
"""
import sys

from sqsnet_mm.analysis.data_path import main

if __name__ == '__main__':
    sys.exit(main())
