"""MTCNN face detector with five landmarks, from the facenet-pytorch wheel.

MTCNN (Zhang et al., "Joint Face Detection and Alignment using Multi-task
Cascaded Convolutional Networks", 2016) is a cascade of three small CNNs
(P-, R- and O-Net) that gives a box, a confidence and five landmarks (the
two eyes, the nose tip, the two mouth corners) per face. The networks and
their weights (``facenet_pytorch/data/{pnet,rnet,onet}.pt``, 2 MB) are those
of the ``facenet-pytorch`` package (MIT licence); nothing is downloaded.
"""
from typing import List, Sequence

import cv2
import numpy as np
import torch

from .face_detectors import FACE_DETECTORS, Face

#: How to install the package; its metadata pins torch < 2.3, but MTCNN runs
#: on the torch of requirements.txt, so it is installed without its pins.
MTCNN_INSTALL = 'pip install --no-deps -r requirements/nodeps.txt'


@FACE_DETECTORS.register_module()
class MTCNNFaceDetector:
    """MTCNN: faces with a confidence and five landmarks.

    The eye landmarks become :attr:`Face.eyes`, so crops are aligned on
    them (no eye cascade). A face is returned when its confidence (the
    last stage's, O-Net's) is above ``score_thr``; faces come left to
    right with their ``score`` and ``landmarks``.

    Args:
        score_thr (float): Smallest confidence of a returned face (the
            O-Net stage threshold). Defaults to 0.9.
        min_face_size (int): Smallest face side searched, in pixels of the
            input image (sets the finest level of the image pyramid); a
            smaller image has no face. Defaults to 20.
        stage_thresholds (Sequence[float]): Confidence thresholds of the
            P- and R-Net stages (MTCNN's defaults). Defaults to
            ``(0.6, 0.7)``.
        factor (float): Scale step of the image pyramid. Defaults to 0.709.
        device (str): Torch device of the networks. Defaults to ``'cpu'``.

    Raises:
        ImportError: If ``facenet-pytorch`` is not installed; the message
            gives the install command.
    """

    def __init__(self,
                 score_thr: float = 0.9,
                 min_face_size: int = 20,
                 stage_thresholds: Sequence[float] = (0.6, 0.7),
                 factor: float = 0.709,
                 device: str = 'cpu') -> None:
        try:
            from facenet_pytorch import MTCNN
        except ImportError as error:
            raise ImportError(
                'the MTCNN face detector (--detector mtcnn) needs the '
                f'facenet-pytorch package: {MTCNN_INSTALL} (facenet-pytorch'
                '==2.6.0; --no-deps because its metadata pins torch < 2.3, '
                'it runs on the torch of requirements.txt); or use '
                '--detector haar') from error
        if not 0 <= score_thr <= 1:
            raise ValueError(f'score_thr must be in [0, 1], got {score_thr}')
        if len(stage_thresholds) != 2:
            raise ValueError('stage_thresholds are the P- and R-Net '
                             f'thresholds, got {stage_thresholds}')
        self.min_face_size = min_face_size
        self.mtcnn = MTCNN(
            min_face_size=min_face_size,
            thresholds=[*stage_thresholds, score_thr],
            factor=factor,
            keep_all=True,
            device=torch.device(device)).eval()

    def __call__(self, image: np.ndarray) -> List[Face]:
        if min(image.shape[:2]) < self.min_face_size:
            return []  # no face fits (and MTCNN's image pyramid is empty)
        rgb = cv2.cvtColor(
            image,
            cv2.COLOR_GRAY2RGB if image.ndim == 2 else cv2.COLOR_BGR2RGB)
        boxes, scores, points = self.mtcnn.detect(rgb, landmarks=True)
        if boxes is None:
            return []
        faces = []
        for (x0, y0, x1, y1), score, landmarks in zip(boxes, scores, points):
            landmarks = tuple((float(x), float(y)) for x, y in landmarks)
            faces.append(
                Face(
                    box=(int(round(x0)), int(round(y0)), int(round(x1 - x0)),
                         int(round(y1 - y0))),
                    eyes=landmarks[:2],
                    score=float(score),
                    landmarks=landmarks))
        return sorted(faces, key=lambda face: face.box)
