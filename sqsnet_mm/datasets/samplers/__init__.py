from .quad_sampler import QuadSampler

__all__ = ['QuadSampler']
