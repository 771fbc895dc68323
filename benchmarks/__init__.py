"""Benchmarks of SQSNet: cost of SQS, data path, accuracy, GPU (issue 6).

Each script prints ratios measured side by side in one run; run them from
the repository root as modules, e.g. ``python -m benchmarks.sqs_cost``.
The figures and commands are collected in ``docs/benchmarks.md``.
"""
