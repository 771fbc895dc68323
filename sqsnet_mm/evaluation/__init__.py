from .metrics import FERMetric

__all__ = ['FERMetric']
