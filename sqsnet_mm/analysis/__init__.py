"""Analyses that measure the package: benchmarks' reusable parts."""
