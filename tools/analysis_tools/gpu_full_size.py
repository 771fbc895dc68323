"""Full-size SQSNet on a CUDA GPU, next to the paper's Table 3.

The measurement is :mod:`sqsnet_mm.analysis.gpu_full_size`; run from the
repository root. Example::

    python tools/analysis_tools/gpu_full_size.py --out work_dirs/benchmarks/gpu.json
"""
import sys

from sqsnet_mm.analysis.gpu_full_size import main

if __name__ == '__main__':
    sys.exit(main())
