"""Face detectors side by side on scenes built from held-out real faces.

The benchmark is :mod:`sqsnet_mm.analysis.detection_benchmark`; run from
the repository root. Example::

    python tools/analysis_tools/detection_benchmark.py \\
        configs/resnet/resnet18_1xb32-300it_ckplus-64px.py \\
        work_dirs/ckplus_resnet18/iter_300.pth --scenes 150 --margin 0 \\
        --out work_dirs/benchmarks/detection.json
"""
import sys

from sqsnet_mm.analysis.detection_benchmark import main

if __name__ == '__main__':
    sys.exit(main())
