"""Facial expression recognition in photos, videos and camera streams."""
import json
import os.path as osp
from collections import Counter
from typing import (Any, Iterable, Iterator, List, Optional, Sequence, Tuple,
                    Union)

import numpy as np
from mmengine.logging import print_log
from mmpretrain.utils import track

from .crop_classifier import build_crop_classifier
from .face_crop import face_crop_settings
from .face_detectors import (DEFAULT_DETECTOR, DetectorType, Face,
                             build_face_detector)
from .face_records import dump_records, make_face_record
from .sources import Frame, InputType, collect_sources
from .visualization import AnnotationWriter


class FaceExpressionInferencer:
    """Detect faces, align and crop them, classify their expression.

    Each frame goes through: the face detector (see :mod:`.face_detectors`
    and :mod:`.mtcnn_detector`) -> an aligned square crop per face
    (:func:`.crop_face`: eye line levelled, ``margin`` of context), made
    grey and resized as the training faces when the config says so (its
    ``face_crop`` key, see :mod:`.face_crop`) -> the MMPretrain test
    pipeline and model (or its ONNX export), in batches of ``batch_size``
    crops gathered across images and frames. The output has one record per
    face (see :mod:`.face_records`).

    Example:
        >>> from sqsnet_mm.apis import FaceExpressionInferencer
        >>> inferencer = FaceExpressionInferencer(
        ...     'configs/sqsnet/sqsnet_tiny_1xb32-5e_synthetic-64px.py',
        ...     'epoch_10.pth')
        >>> result = inferencer('group_photo.jpg', out_dir='outputs/')
        >>> result['predictions'][0]['label']
        'happiness'

    Args:
        model (str): Config file (PyTorch) or exported ``.onnx`` file.
        checkpoint (str, optional): Checkpoint for a config.
        backend (str, optional): ``'pytorch'`` or ``'onnxruntime'``;
            deduced from ``model`` when None.
        device (str, optional): ``'cpu'`` (default) or ``'cuda...'``.
        classes (Sequence[str], optional): Override the class names.
        detector (str | dict | callable): Face detector (``'mtcnn'``,
            ``'haar'``, ``'whole'`` for pre-cropped faces, a config dict or
            a callable ``image -> List[Face]``). Defaults to
            :data:`DEFAULT_DETECTOR`.
        margin (float, optional): Context around the face box on each
            side, as a fraction of its side. None: the config's
            ``face_crop.margin``, else 0.2.
        align (bool): Level the eye line when the eyes are found. Defaults
            to True.
        color (str, optional): ``'color'`` or ``'grey'`` crops. None: the
            config's ``face_crop.color``, else the photo's colours.
        crop_size (int, optional): Side in pixels the crops are resized to
            before the test pipeline (0: not resized). None: the config's
            ``face_crop.size``, else not resized.
    """

    def __init__(self,
                 model: str,
                 checkpoint: Optional[str] = None,
                 backend: Optional[str] = None,
                 device: Optional[str] = None,
                 classes: Optional[Sequence[str]] = None,
                 detector: DetectorType = DEFAULT_DETECTOR,
                 margin: Optional[float] = None,
                 align: bool = True,
                 color: Optional[str] = None,
                 crop_size: Optional[int] = None) -> None:
        self.classifier = build_crop_classifier(model, checkpoint, backend,
                                                device, classes)
        self.classes = list(self.classifier.classes)
        self.detector = build_face_detector(detector)
        self.face_crop = face_crop_settings(self.classifier.config, margin,
                                            color, crop_size)
        print_log(self.face_crop.describe(), logger='current')
        self.align = align

    def prepare_crop(self, image: np.ndarray,
                     face: Face) -> Tuple[np.ndarray, float]:
        """The crop of one face as the test pipeline receives it, and the
        rotation applied (see :meth:`.FaceCropSettings.prepare`)."""
        return self.face_crop.prepare(image, face, self.align)

    def classify(self,
                 crops: List[np.ndarray],
                 batch_size: int = 16) -> np.ndarray:
        """Class probabilities (``N x C``) of face crops (BGR arrays)."""
        scores = [
            sample.pred_score.cpu().numpy()
            for data in self.classifier.preprocess(crops, batch_size)
            for sample in self.classifier.forward(data)
        ]
        if not scores:
            return np.zeros((0, len(self.classes)), np.float32)
        scores = np.stack(scores)
        if scores.shape[1] != len(self.classes):
            raise ValueError(f'the model gives {scores.shape[1]} scores '
                             f'but there are {len(self.classes)} class '
                             f'names {self.classes}')
        return scores

    def predict_frames(
        self,
        frames: Iterable[Tuple[Any, Frame]],
        batch_size: int = 16,
    ) -> Iterator[Tuple[Any, Frame, List[dict]]]:
        """Records of every frame of a stream, in order.

        Crops are classified once ``batch_size`` of them (or of frames)
        are pending, so small images share batches.

        Args:
            frames (Iterable[tuple]): ``(tag, Frame)`` pairs; the tag (for
                instance the frame's source) is passed through.
            batch_size (int): Crops per forward pass. Defaults to 16.

        Yields:
            tuple: ``(tag, frame, records)``; ``records`` is empty for a
            frame without a face or without an image.
        """
        pending, num_crops = [], 0
        for tag, frame in frames:
            faces, crops, rotations = [], [], []
            if frame.image is not None:
                faces = self.detector(frame.image)
                for face in faces:
                    crop, rotation = self.prepare_crop(frame.image, face)
                    crops.append(crop)
                    rotations.append(rotation)
            pending.append((tag, frame, faces, crops, rotations))
            num_crops += len(crops)
            if num_crops >= batch_size or len(pending) >= batch_size:
                yield from self._classify_pending(pending, batch_size)
                pending, num_crops = [], 0
        yield from self._classify_pending(pending, batch_size)

    def _classify_pending(self, pending: list, batch_size: int):
        scores = self.classify([c for p in pending for c in p[3]], batch_size)
        start = 0
        for tag, frame, faces, _, rotations in pending:
            records = [
                make_face_record(frame, i, face, rotation, self.align
                                 and face.eyes is not None, self.classes,
                                 scores[start + i])
                for i, (face, rotation) in enumerate(zip(faces, rotations))
            ]
            start += len(faces)
            yield tag, frame, records

    def __call__(self,
                 inputs: Union[InputType, Sequence[InputType]],
                 batch_size: int = 16,
                 out_dir: Optional[str] = None,
                 out_format: str = 'json',
                 save_vis: bool = True,
                 max_frames: Optional[int] = None,
                 video_suffix: str = '.mp4',
                 progress: bool = True) -> dict:
        """Run on images, folders, video files or cameras.

        Args:
            inputs: An image or video file, a folder (recursive), a camera
                index (``0`` or ``'camera:0'``), a BGR array, or a list of
                them.
            batch_size (int): Crops per forward pass. Defaults to 16.
            out_dir (str, optional): Write ``predictions.<out_format>``,
                ``issues.json`` and, with ``save_vis``, annotated images
                and videos under ``vis/``.
            out_format (str): ``'json'`` or ``'csv'``. Defaults to json.
            save_vis (bool): Write annotated images/videos. Defaults to
                True.
            max_frames (int, optional): Frame limit per video or camera
                (a camera runs until it fails or Ctrl-C otherwise).
            video_suffix (str): ``'.mp4'`` (mp4v) or ``'.avi'`` (MJPG).
            progress (bool): Show a progress bar. Defaults to True.

        Returns:
            dict: ``predictions`` (one record per face), ``issues``
            (``source``, ``frame``, ``problem`` for every frame without a
            face, unreadable file, failed video frame and skipped file),
            ``summary`` (counts) and ``files`` (written files).
        """
        if out_format not in ('json', 'csv'):
            raise ValueError(f'out_format must be json or csv: {out_format}')
        sources, skipped = collect_sources(inputs, max_frames)
        issues = [
            dict(
                source=path, frame=None, problem='unsupported file extension')
            for path in skipped
        ]
        writer = None
        if out_dir is not None and save_vis:
            writer = AnnotationWriter(
                osp.join(out_dir, 'vis'), self.classes, video_suffix,
                'MJPG' if video_suffix == '.avi' else 'mp4v')
        frames = ((source, frame) for source in sources for frame in source)
        if progress:
            total = None if any(s.is_video and not len(s)
                                for s in sources) else sum(map(len, sources))
            frames = track(frames, 'Frames', total)
        records, num_frames = [], 0
        try:
            for source, frame, frame_records in self.predict_frames(
                    frames, batch_size):
                num_frames += 1
                if frame.image is None:
                    issues.append(
                        dict(
                            source=frame.source,
                            frame=frame.index,
                            problem=frame.error))
                    continue
                if not frame_records:
                    issues.append(
                        dict(
                            source=frame.source,
                            frame=frame.index,
                            problem='no face detected'))
                records.extend(frame_records)
                if writer is not None:
                    writer.write(source, frame, frame_records)
        except KeyboardInterrupt:
            print_log(
                'interrupted: keeping the results so far',
                logger='current',
                level=30)
        finally:
            if writer is not None:
                writer.close()
        summary = dict(
            sources=len(sources),
            frames=num_frames,
            faces=len(records),
            issues=dict(Counter(i['problem'] for i in issues)))
        print_log(f'face inference summary: {summary}', logger='current')
        files = list(writer.files) if writer is not None else []
        if out_dir is not None:
            files.append(osp.join(out_dir, f'predictions.{out_format}'))
            dump_records(records, files[-1])
            files.append(osp.join(out_dir, 'issues.json'))
            with open(files[-1], 'w', encoding='utf-8') as f:
                json.dump(issues, f, indent=1)
        return dict(
            predictions=records, issues=issues, summary=summary, files=files)
