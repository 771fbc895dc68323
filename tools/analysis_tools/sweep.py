"""Sensitivity sweeps of the SQS hyper-parameters (paper Table 4).

The study is :mod:`sqsnet_mm.analysis.sweep`; run from the repository
root. Example::

    python tools/analysis_tools/sweep.py \\
        configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py \\
        --tau 0.5 1 2 --lambda 0 0.5 1 --seeds 0 --out sweep.md
"""
import sys

from sqsnet_mm.analysis.sweep import main

if __name__ == '__main__':
    sys.exit(main())
