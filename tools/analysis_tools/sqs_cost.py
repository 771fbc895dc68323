"""Training cost of Spatial Quad-Similarity, measured side by side.

The measurement is :mod:`sqsnet_mm.analysis.sqs_cost`; run from the
repository root. Example::

    python tools/analysis_tools/sqs_cost.py --settings tiny mid --rounds 15
"""
import sys

from sqsnet_mm.analysis.sqs_cost import main

if __name__ == '__main__':
    sys.exit(main())
