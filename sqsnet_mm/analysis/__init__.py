"""Measuring tools: studies and benchmarks (not imported by ``import sqsnet_mm``)."""
