"""Run a config over several seeds (and folds); report mean ± std of every test
metric, and compare two configs with a paired t-test (paper Table 5).

The study is :mod:`sqsnet_mm.analysis.seeds`; run from the repository
root. Example::

    python tools/analysis_tools/seeds.py \\
        configs/sqsnet/sqsnet_efficientnet-b6-swin-small_in1k-pre_8xb8_rafdb.py \\
        --seeds 0 1 2 3 4 --tta
"""
import sys

from sqsnet_mm.analysis.seeds import main

if __name__ == '__main__':
    sys.exit(main())
