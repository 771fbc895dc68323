"""Annotated images and videos: face boxes with the predicted expression."""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np

from .sources import Frame, SourceType

#: BGR colours, one per class index (cycled).
PALETTE = ((0, 200, 255), (0, 200, 0), (255, 120, 0), (200, 0, 200),
           (0, 0, 230), (120, 120, 0), (255, 255, 255), (0, 128, 255))


def draw_face_records(image: np.ndarray, records: Sequence[dict],
                      classes: Sequence[str]) -> np.ndarray:
    """Draw each record's box and ``label score`` on a copy of ``image``.

    Args:
        image (np.ndarray): BGR image.
        records (Sequence[dict]): Face records of this image (``box``,
            ``label``, ``score``).
        classes (Sequence[str]): Class names (for the colours).

    Returns:
        np.ndarray: The annotated copy.
    """
    canvas = image.copy()
    thickness = max(1, round(min(image.shape[:2]) / 240))
    font_scale = max(0.35, min(image.shape[:2]) / 900)
    for record in records:
        x, y, w, h = record['box']
        color = PALETTE[list(classes).index(record['label']) % len(PALETTE)]
        cv2.rectangle(canvas, (x, y), (x + w, y + h), color, thickness)
        text = f'{record["label"]} {record["score"]:.2f}'
        (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX,
                                         font_scale, thickness)
        top = max(y - th - base - 2, 0)
        cv2.rectangle(canvas, (x, top), (x + tw + 2, top + th + base + 2),
                      color, cv2.FILLED)
        cv2.putText(canvas, text, (x + 1, top + th + 1),
                    cv2.FONT_HERSHEY_SIMPLEX, font_scale, (0, 0, 0), thickness,
                    cv2.LINE_AA)
    return canvas


class AnnotationWriter:
    """Write annotated frames: a PNG per image, a video per video source.

    Output names follow the source names (relative paths inside an input
    folder are kept), under ``out_dir``.

    Args:
        out_dir (str): Output folder.
        classes (Sequence[str]): Class names.
        video_suffix (str): Container of annotated videos. Defaults to
            ``'.mp4'``.
        fourcc (str): Codec; ``'mp4v'`` (``.mp4``) and ``'MJPG'``
            (``.avi``) work with the opencv-python wheels. Defaults to
            ``'mp4v'``.
        default_fps (float): Frame rate when the source does not tell.
            Defaults to 25.
    """

    def __init__(self,
                 out_dir: str,
                 classes: Sequence[str],
                 video_suffix: str = '.mp4',
                 fourcc: str = 'mp4v',
                 default_fps: float = 25.) -> None:
        self.out_dir = out_dir
        self.classes = list(classes)
        self.video_suffix = video_suffix
        self.fourcc = fourcc
        self.default_fps = default_fps
        self.files: List[str] = []
        self._video_name: Optional[str] = None
        self._video: Optional[cv2.VideoWriter] = None
        self._video_sizes: Dict[str, tuple] = {}

    def _path(self, name: str, suffix: str) -> str:
        path = osp.join(self.out_dir, osp.splitext(name)[0] + suffix)
        os.makedirs(osp.dirname(path), exist_ok=True)
        return path

    def write(self, source: SourceType, frame: Frame,
              records: Sequence[dict]) -> None:
        """Annotate ``frame`` with ``records`` and write it."""
        canvas = draw_face_records(frame.image, records, self.classes)
        if not source.is_video:
            path = self._path(source.name, '.png')
            if not cv2.imwrite(path, canvas):
                raise OSError(f'cannot write {path}')
            self.files.append(path)
            return
        if self._video_name != source.name:
            self.close()
            path = self._path(source.name, self.video_suffix)
            size = (canvas.shape[1], canvas.shape[0])
            self._video = cv2.VideoWriter(path,
                                          cv2.VideoWriter_fourcc(*self.fourcc),
                                          source.fps or self.default_fps, size)
            if not self._video.isOpened():
                raise OSError(f'cannot open a {self.fourcc} video writer '
                              f'for {path}')
            self._video_name = source.name
            self._video_sizes[source.name] = size
            self.files.append(path)
        size = self._video_sizes[source.name]
        if (canvas.shape[1], canvas.shape[0]) != size:
            canvas = cv2.resize(canvas, size)
        self._video.write(canvas)

    def close(self) -> None:
        """Finish the video being written, if any."""
        if self._video is not None:
            self._video.release()
        self._video, self._video_name = None, None
