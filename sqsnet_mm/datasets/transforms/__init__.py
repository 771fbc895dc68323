from .crop_face_box import CropFaceBox
from .match_face_crop import MatchFaceCrop, match_face_crop

__all__ = ['CropFaceBox', 'MatchFaceCrop', 'match_face_crop']
