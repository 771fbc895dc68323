from .crop_face_box import CropFaceBox

__all__ = ['CropFaceBox']
