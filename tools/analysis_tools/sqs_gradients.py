"""What each loss term of SQSNet's training (CE of the base and the enhanced
classifier, KL, L_SQS) does to the features the base classifier reads:
gradient norms, their ratio to the base CE's, and their cosine with it, on
the map the base classifier pools and on the backbone's parameters, over
training batches of a config.

The measurement is :mod:`sqsnet_mm.analysis.sqs_gradients`; run from the
repository root. Example::

    python tools/analysis_tools/sqs_gradients.py \\
        configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_1xb32-3000it_ferplus-112px.py \\
        --batches 20 --out sqs_gradients.json
"""
import sys

from sqsnet_mm.analysis.sqs_gradients import main

if __name__ == '__main__':
    sys.exit(main())
