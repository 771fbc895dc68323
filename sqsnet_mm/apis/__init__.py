"""Inference on photos, videos and cameras; ONNX export; CAMs; label maps.

Not imported by ``import sqsnet_mm`` (it needs OpenCV video I/O and, for
some parts, ONNX Runtime or grad-cam); import ``sqsnet_mm.apis``.
"""
from .crop_classifier import (build_crop_classifier, load_config,
                              load_pytorch_model, preprocess_crops,
                              resolve_classes)
from .face_alignment import crop_face, eye_line_angle
from .face_crop import FACE_CROP_KEY, FaceCropSettings, face_crop_settings
from .face_detectors import (DEFAULT_DETECTOR, DETECTOR_ALIASES,
                             add_detector_arguments, FACE_DETECTORS, Face,
                             FaceDetector, HaarFaceDetector,
                             WholeImageDetector, build_face_detector,
                             detector_config, scores_faces)
from .face_inferencer import FaceExpressionInferencer
from .face_records import dump_records, make_face_record
from .mtcnn_detector import MTCNN_INSTALL, MTCNNFaceDetector
from .onnx_inferencer import ONNXClassificationInferencer
from .sources import Frame, ImageSource, VideoSource, collect_sources
from .visualization import AnnotationWriter, draw_face_records

__all__ = [
    'AnnotationWriter', 'DEFAULT_DETECTOR', 'DETECTOR_ALIASES',
    'add_detector_arguments', 'FACE_CROP_KEY', 'FACE_DETECTORS',
    'MTCNN_INSTALL', 'MTCNNFaceDetector', 'Face', 'FaceCropSettings',
    'FaceDetector', 'FaceExpressionInferencer', 'face_crop_settings',
    'Frame', 'HaarFaceDetector', 'ImageSource', 'ONNXClassificationInferencer',
    'VideoSource', 'WholeImageDetector', 'build_crop_classifier',
    'build_face_detector', 'collect_sources', 'crop_face', 'detector_config',
    'draw_face_records', 'dump_records', 'eye_line_angle', 'load_config',
    'load_pytorch_model', 'make_face_record', 'preprocess_crops',
    'resolve_classes', 'scores_faces'
]
