from .quad_image_classifier import QuadImageClassifier

__all__ = ['QuadImageClassifier']
