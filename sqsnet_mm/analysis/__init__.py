"""Measuring tools: studies, benchmarks (not imported by ``import sqsnet_mm``)."""
