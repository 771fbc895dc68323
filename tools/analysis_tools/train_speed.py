"""Training speed of a config on the CPU: the training step in the default
layout, channels-last, bfloat16 and compiled, timed side by side, and the
config's data loader with 0, 1 and 2 workers.

The measurement is :mod:`sqsnet_mm.analysis.train_speed`; run from the
repository root. Example::

    python tools/analysis_tools/train_speed.py \\
        configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py \\
        --threads 2 --loader
"""
import sys

from sqsnet_mm.analysis.train_speed import main

if __name__ == '__main__':
    sys.exit(main())
