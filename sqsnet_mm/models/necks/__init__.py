from .spatial_quad_similarity import SpatialQuadSimilarity

__all__ = ['SpatialQuadSimilarity']
