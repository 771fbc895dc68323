"""FER data sets, the quad sampler and the synthetic FER generator."""
from .affectnet import AffectNet
from .base_fer_dataset import BaseFERDataset
from .emotions import (AFFECTNET_CLASSES, EMOTIONS, FERPLUS_CLASSES,
                       RAFDB_CLASSES, canonical_emotion)
from .fer_folder import FERFolder
from .ferplus import FERPlus, ferplus_target
from .rafdb import RAFDB
from .samplers import QuadSampler
from .synthetic import generate_synthetic_fer
from .transforms import CropFaceBox, MatchFaceCrop, match_face_crop

__all__ = [
    'AFFECTNET_CLASSES', 'EMOTIONS', 'FERPLUS_CLASSES', 'RAFDB_CLASSES',
    'AffectNet', 'BaseFERDataset', 'CropFaceBox', 'FERFolder', 'FERPlus',
    'MatchFaceCrop', 'QuadSampler', 'RAFDB', 'canonical_emotion',
    'ferplus_target', 'generate_synthetic_fer', 'match_face_crop'
]
