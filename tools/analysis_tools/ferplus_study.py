"""FERPlus studies: the CPU recipe chosen on FER2013Valid, and SQS with
statistical power on FER2013Test (:mod:`sqsnet_mm.analysis.ferplus_study`);
run from the repository root. Example::

    python tools/analysis_tools/ferplus_study.py trials --jobs 2
"""
from sqsnet_mm.analysis.ferplus_study import main

if __name__ == '__main__':
    main()
