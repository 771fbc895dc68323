"""Face detectors: where the faces of a photo or video frame are.

A detector is any callable ``detector(image) -> List[Face]`` taking a BGR
(or grayscale) ``uint8`` image. Detectors are registered in
:data:`FACE_DETECTORS` and built from a name or a config dict by
:func:`build_face_detector`, so another detector (a DNN, MediaPipe, ...) is
added by registering a class, without touching the inference code.
"""
import argparse
import inspect
import math
from dataclasses import dataclass
from typing import Callable, List, Optional, Protocol, Tuple, Union

import cv2
import numpy as np
from mmengine.registry import DefaultScope, Registry

#: Registry of face detectors (config ``type`` -> class).
FACE_DETECTORS = Registry('face detector', scope='sqsnet_mm')

Point = Tuple[float, float]


@dataclass
class Face:
    """A detected face.

    Args:
        box (tuple): ``(x, y, w, h)`` in pixels of the input image. It may
            reach past the image border when the face touches it.
        eyes (tuple, optional): Centres ``((x, y), (x, y))`` of the eye on
            the image's left and the eye on the image's right, in pixels of
            the input image, when both were found. Used for alignment.
        score (float, optional): The detector's confidence in ``[0, 1]``,
            for detectors that give one.
        landmarks (tuple, optional): Facial landmarks ``((x, y), ...)`` in
            pixels of the input image, for detectors that give them (MTCNN:
            the two eyes, the nose tip and the two mouth corners).
    """
    box: Tuple[int, int, int, int]
    eyes: Optional[Tuple[Point, Point]] = None
    score: Optional[float] = None
    landmarks: Optional[Tuple[Point, ...]] = None


class FaceDetector(Protocol):
    """What the inferencer needs from a detector."""

    def __call__(self, image: np.ndarray) -> List[Face]:
        """Detect the faces of a BGR or grayscale ``uint8`` image."""


@FACE_DETECTORS.register_module()
class WholeImageDetector:
    """"The whole image is one face": for pre-cropped, aligned faces.

    Use it on images that are already face crops (RAF-DB's aligned images,
    CK+ or FER-2013 crops), where a detector would only lose faces.
    """

    def __call__(self, image: np.ndarray) -> List[Face]:
        h, w = image.shape[:2]
        return [Face(box=(0, 0, w, h))]


@FACE_DETECTORS.register_module()
class HaarFaceDetector:
    """OpenCV's Viola-Jones (Haar cascade) frontal face and eye detector.

    The cascades are those that ship with opencv-python
    (``cv2.data.haarcascades``). The grayscale image is histogram-equalised,
    padded by ``border`` of its longer side (replicated edge, so faces that
    fill the frame, like tight crops, still have the context the cascade
    needs) and upscaled so that its shorter side is at least
    ``min_image_size`` (the cascade's 24 px window cannot find faces in
    48 px crops otherwise). Boxes are mapped back to the input image.

    Eyes are searched in the upper ``eye_region`` of each face box; the
    largest detection in each half of the box is taken, and the pair is
    kept only if the eye line is tilted by at most ``max_eye_angle``
    degrees (otherwise the face is returned without eyes and is not
    rotated).

    Args:
        scale_factor (float): Cascade pyramid step. Defaults to 1.1.
        min_neighbors (int): Cascade neighbour threshold (higher: fewer
            false faces, more missed ones). Defaults to 5.
        min_face_size (float): Smallest face side as a fraction of the
            (padded, scaled) image's shorter side. Defaults to 0.1.
        border (float): Padding on each side, as a fraction of the longer
            image side. Defaults to 0.25.
        min_image_size (int): Upscale so the padded image's shorter side is
            at least this many pixels. Defaults to 240.
        detect_eyes (bool): Look for the eyes (needed for alignment).
            Defaults to True.
        eye_region (float): Fraction of the face box height, from its top,
            searched for eyes. Defaults to 0.6.
        max_eye_angle (float): Largest plausible eye-line tilt in degrees.
            Defaults to 30.
        face_cascade (str, optional): Path of another face cascade XML.
        eye_cascade (str, optional): Path of another eye cascade XML.
    """

    def __init__(self,
                 scale_factor: float = 1.1,
                 min_neighbors: int = 5,
                 min_face_size: float = 0.1,
                 border: float = 0.25,
                 min_image_size: int = 240,
                 detect_eyes: bool = True,
                 eye_region: float = 0.6,
                 max_eye_angle: float = 30.,
                 face_cascade: Optional[str] = None,
                 eye_cascade: Optional[str] = None) -> None:
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_face_size = min_face_size
        self.border = border
        self.min_image_size = min_image_size
        self.detect_eyes = detect_eyes
        self.eye_region = eye_region
        self.max_eye_angle = max_eye_angle
        self.face_cascade = self._load_cascade(
            face_cascade
            or cv2.data.haarcascades + 'haarcascade_frontalface_default.xml')
        self.eye_cascade = self._load_cascade(
            eye_cascade or cv2.data.haarcascades + 'haarcascade_eye.xml')

    @staticmethod
    def _load_cascade(path: str) -> cv2.CascadeClassifier:
        cascade = cv2.CascadeClassifier(path)
        if cascade.empty():
            raise FileNotFoundError(f'cannot load the Haar cascade {path}')
        return cascade

    def __call__(self, image: np.ndarray) -> List[Face]:
        gray = image if image.ndim == 2 else cv2.cvtColor(
            image, cv2.COLOR_BGR2GRAY)
        h, w = gray.shape
        pad = int(round(self.border * max(h, w)))
        # Equalise before padding: a large replicated border would skew the
        # histogram and wash out the eyes.
        gray = cv2.copyMakeBorder(
            cv2.equalizeHist(gray), pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        scale = max(1., self.min_image_size / min(gray.shape))
        if scale > 1:
            gray = cv2.resize(
                gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        min_side = max(1, int(self.min_face_size * min(gray.shape)))
        boxes = self.face_cascade.detectMultiScale(
            gray,
            scaleFactor=self.scale_factor,
            minNeighbors=self.min_neighbors,
            minSize=(min_side, min_side))

        def to_input(x: float, y: float) -> Point:
            return float(x / scale - pad), float(y / scale - pad)

        faces = []
        for x, y, bw, bh in sorted(np.asarray(boxes).reshape(-1, 4).tolist()):
            eyes = self._find_eyes(gray, (x, y, bw, bh)) \
                if self.detect_eyes else None
            x0, y0 = to_input(x, y)
            faces.append(
                Face(
                    box=(int(round(x0)), int(round(y0)),
                         int(round(bw / scale)), int(round(bh / scale))),
                    eyes=None if eyes is None else
                    (to_input(*eyes[0]), to_input(*eyes[1]))))
        return faces

    def _find_eyes(self, gray: np.ndarray,
                   box: Tuple[int, int, int,
                              int]) -> Optional[Tuple[Point, Point]]:
        """The two eye centres inside a face box, or None."""
        x, y, w, h = box
        roi = gray[y:y + int(self.eye_region * h), x:x + w]
        detections = self.eye_cascade.detectMultiScale(
            roi,
            scaleFactor=self.scale_factor,
            minNeighbors=3,
            minSize=(max(1, w // 10), ) * 2,
            maxSize=(max(2, w // 2), ) * 2)
        halves = ([], [])
        for ex, ey, ew, eh in np.asarray(detections).reshape(-1, 4):
            cx, cy = x + ex + ew / 2, y + ey + eh / 2
            halves[int(cx >= x + w / 2)].append((ew * eh, (cx, cy)))
        if not halves[0] or not halves[1]:
            return None
        left = max(halves[0])[1]
        right = max(halves[1])[1]
        angle = math.degrees(
            math.atan2(right[1] - left[1], right[0] - left[0]))
        if abs(angle) > self.max_eye_angle:
            return None
        return left, right


DetectorType = Union[str, dict, Callable[[np.ndarray], List[Face]]]

#: Short names accepted by :func:`build_face_detector` and ``--detector``.
DETECTOR_ALIASES = dict(
    haar='HaarFaceDetector',
    mtcnn='MTCNNFaceDetector',
    whole='WholeImageDetector')

#: The detector of :class:`FaceExpressionInferencer`, ``tools/infer.py`` and
#: ``tools/cam.py`` when none is named (chosen by the detection benchmark,
#: ``docs/benchmarks.md``).
DEFAULT_DETECTOR = 'mtcnn'


def add_detector_arguments(parser: argparse.ArgumentParser) -> None:
    """``--detector`` and ``--score-thr`` of the inference tools."""
    parser.add_argument(
        '--detector',
        default=DEFAULT_DETECTOR,
        help='face detector: mtcnn (CNN with landmarks, needs '
        'facenet-pytorch), haar (OpenCV Haar cascade), whole (each image is '
        'already a face crop) or a registered name; default '
        f'{DEFAULT_DETECTOR}')
    parser.add_argument(
        '--score-thr',
        type=float,
        help='smallest detection confidence of a face (mtcnn; default 0.9)')


def scores_faces(name: str) -> bool:
    """Whether a registered detector (name or alias) takes a ``score_thr``
    argument, i.e. scores its faces."""
    name = DETECTOR_ALIASES.get(name, name)
    return name in FACE_DETECTORS and 'score_thr' in inspect.signature(
        FACE_DETECTORS.get(name)).parameters


def detector_config(name: str, score_thr: Optional[float] = None) -> dict:
    """The config of a detector named on the command line.

    Args:
        name (str): A registered name or alias (``'mtcnn'``, ``'haar'``,
            ``'whole'``).
        score_thr (float, optional): Smallest confidence of a returned
            face, for detectors that score faces (MTCNN).

    Returns:
        dict: ``dict(type=name)``, with ``score_thr`` when given.

    Raises:
        ValueError: If ``score_thr`` is given for a registered detector
            that does not score faces.
    """
    cfg = dict(type=DETECTOR_ALIASES.get(name, name))
    if score_thr is None:
        return cfg
    if cfg['type'] in FACE_DETECTORS and not scores_faces(name):
        raise ValueError(f'--score-thr {score_thr}: the {name} detector '
                         'gives no scores (MTCNNFaceDetector does)')
    return dict(cfg, score_thr=score_thr)


def build_face_detector(detector: DetectorType) -> FaceDetector:
    """Build a face detector.

    Args:
        detector (str | dict | callable): A registered name (``'haar'``,
            ``'mtcnn'`` and ``'whole'`` are short for
            :class:`HaarFaceDetector`, :class:`MTCNNFaceDetector` and
            :class:`WholeImageDetector`), a config dict with ``type`` and
            arguments, or a ready callable ``image -> List[Face]``.

    Returns:
        FaceDetector: The detector.
    """
    if callable(detector):
        return detector
    if isinstance(detector, str):
        detector = dict(type=DETECTOR_ALIASES.get(detector, detector))
    if not isinstance(detector, dict) or 'type' not in detector:
        raise TypeError('detector must be a name, a dict with "type" or a '
                        f'callable, got {detector!r}')
    detector = dict(detector)
    detector['type'] = DETECTOR_ALIASES.get(detector['type'], detector['type'])
    if detector['type'] not in FACE_DETECTORS:
        raise KeyError(f'unknown face detector {detector["type"]!r}; '
                       f'registered: {sorted(FACE_DETECTORS.module_dict)}')
    with DefaultScope.overwrite_default_scope(FACE_DETECTORS.scope):
        return FACE_DETECTORS.build(detector)
