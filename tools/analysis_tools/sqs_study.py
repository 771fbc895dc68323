"""Does SQS help? Validation-fold selection, then report folds x seeds.

The protocol and the command line are :mod:`sqsnet_mm.analysis.sqs_study`;
run from the repository root. Example (CK+48)::

    python tools/analysis_tools/sqs_study.py \\
        --data-root data/ckplus48 --work-dir work_dirs/sqs_study \\
        --jobs 2
"""
from sqsnet_mm.analysis.sqs_study import main

if __name__ == '__main__':
    main()
