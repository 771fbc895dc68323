"""Efficiency of any config (paper Table 3): parameters, FLOPs, inference
latency at batch 1, throughput at a larger batch, training step time and
peak memory, on the CPU and, when there is one, on a CUDA GPU.

The measurement is :mod:`sqsnet_mm.analysis.efficiency`; run from the
repository root. Example::

    python tools/analysis_tools/efficiency.py \
        configs/sqsnet/sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py \\
        --batch-size 32
"""
import sys

from sqsnet_mm.analysis.efficiency import main

if __name__ == '__main__':
    sys.exit(main())
