"""Parameters and FLOPs of every SQSNet config, next to the paper's Table 3.

The measurement is :mod:`sqsnet_mm.analysis.complexity`; run from the
repository root. Example::

    python tools/analysis_tools/complexity.py  # every configs/sqsnet/*.py
"""
import sys

from sqsnet_mm.analysis.complexity import main

if __name__ == '__main__':
    sys.exit(main())
