"""How tightly a data set's face crops are cut, as a ``face_crop.margin``.

The measurement is :mod:`sqsnet_mm.analysis.crop_margin`; run from the
repository root. Example::

    OMP_NUM_THREADS=1 python tools/analysis_tools/crop_margin.py \\
        data/ferplus/FER2013Train --num 300
"""
import sys

from sqsnet_mm.analysis.crop_margin import main

if __name__ == '__main__':
    sys.exit(main())
