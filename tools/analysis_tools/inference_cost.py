"""Inference cost of SQSNet: the deployed model against a plain classifier.

The measurement is :mod:`sqsnet_mm.analysis.inference_cost`; run from the
repository root. Example::

    python tools/analysis_tools/inference_cost.py --settings tiny mid --batches 1 16
"""
import sys

from sqsnet_mm.analysis.inference_cost import main

if __name__ == '__main__':
    sys.exit(main())
