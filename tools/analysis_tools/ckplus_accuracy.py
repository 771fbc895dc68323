"""Accuracy on real faces: CK+48, subject-independent k-fold, 3 models.

The study is :mod:`sqsnet_mm.analysis.ckplus_accuracy`; run from the
repository root. Example (about 40 min on 2 idle cores)::

    python tools/analysis_tools/ckplus_accuracy.py --seeds 0 1 2 --folds 5
"""
import sys

from sqsnet_mm.analysis.ckplus_accuracy import main

if __name__ == '__main__':
    sys.exit(main())
