from .hybrid_fusion import HybridFusionBackbone

__all__ = ['HybridFusionBackbone']
