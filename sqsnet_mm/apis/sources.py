"""Inputs of the face inferencer: images, folders, video files, cameras.

Every source yields :class:`Frame` objects. A frame that could not be read
(an unreadable image file, a video frame that failed to decode) is yielded
with ``image=None`` and an ``error`` message, so it is reported and the
rest of the folder or video goes on.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp',
                    '.pgm', '.ppm')
VIDEO_EXTENSIONS = ('.mp4', '.avi', '.mov', '.mkv', '.webm', '.m4v', '.mpg',
                    '.mpeg', '.wmv')

InputType = Union[str, int, np.ndarray]


@dataclass
class Frame:
    """One image or video frame.

    Args:
        source (str): The file, ``camera:<index>`` or ``array:<index>``.
        index (int, optional): Frame number in a video or camera stream;
            None for a still image.
        image (np.ndarray, optional): BGR ``uint8`` image; None when it
            could not be read.
        error (str, optional): Why ``image`` is None.
    """
    source: str
    index: Optional[int]
    image: Optional[np.ndarray]
    error: Optional[str] = None


class ImageSource:
    """A still image: a file or an array (BGR, as OpenCV reads it).

    Args:
        image (str | np.ndarray): The file path or the image array.
        name (str): Name of the source, used for output files.
    """
    is_video = False

    def __init__(self, image: Union[str, np.ndarray], name: str) -> None:
        self.image = image
        self.name = name
        self.source = image if isinstance(image, str) else name

    def __len__(self) -> int:
        return 1

    def __iter__(self) -> Iterator[Frame]:
        if isinstance(self.image, np.ndarray):
            yield Frame(self.source, None, _to_bgr(self.image, self.source))
            return
        image = cv2.imread(self.image, cv2.IMREAD_COLOR)
        if image is None:
            yield Frame(self.source, None, None,
                        'unreadable image file (OpenCV cannot decode it)')
        else:
            yield Frame(self.source, None, image)


class VideoSource:
    """A video file or a camera, read with ``cv2.VideoCapture``.

    A read that fails before the frame count announced by the file's header
    is reported as a frame that failed to decode, and reading goes on with
    the next frame, up to ``max_consecutive_failures`` failures in a row.
    Frame indices count read attempts: when a damaged container loses a
    frame altogether (no read attempt fails for it), the indices after it
    are shifted by one; the shortfall is then visible as failed reads at
    the end of the announced count. A camera stream ends at the first
    failed read or at ``max_frames``.

    Args:
        video (str | int): File path or camera index.
        name (str): Name of the source, used for output files.
        max_frames (int, optional): Read at most this many frames.
        max_consecutive_failures (int): Give up after this many failed
            reads in a row. Defaults to 25.
    """
    is_video = True

    def __init__(self,
                 video: Union[str, int],
                 name: str,
                 max_frames: Optional[int] = None,
                 max_consecutive_failures: int = 25) -> None:
        self.video = video
        self.name = name
        self.source = video if isinstance(video, str) else f'camera:{video}'
        self.max_frames = max_frames
        self.max_consecutive_failures = max_consecutive_failures
        self.fps = 0.
        self._announced = -1
        # a file's frame count and rate are read now (for progress bars);
        # a camera is opened only when iterated
        capture = None if isinstance(video, int) else self._open()
        if capture is not None:
            self._read_properties(capture)
            capture.release()

    def _read_properties(self, capture: cv2.VideoCapture) -> None:
        self.fps = capture.get(cv2.CAP_PROP_FPS) or 0.
        self._announced = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))

    def _open(self) -> Optional[cv2.VideoCapture]:
        capture = cv2.VideoCapture(self.video)
        if not capture.isOpened():
            capture.release()
            return None
        return capture

    def __len__(self) -> int:
        """Frames expected: the header's count, capped by ``max_frames``
        (0 when unknown, as for a camera without ``max_frames``)."""
        if isinstance(self.video, int):
            return self.max_frames or 0
        count = max(self._announced, 0)
        return count if self.max_frames is None else min(
            count, self.max_frames)

    def __iter__(self) -> Iterator[Frame]:
        capture = self._open()
        if capture is None:
            yield Frame(self.source, None, None, 'cannot open the video')
            return
        self._read_properties(capture)
        announced = -1 if isinstance(self.video, int) else self._announced
        index, failures = 0, 0
        try:
            while self.max_frames is None or index < self.max_frames:
                ok, image = capture.read()
                if ok:
                    failures = 0
                    yield Frame(self.source, index, image)
                elif index < announced:
                    failures += 1
                    if failures > self.max_consecutive_failures:
                        yield Frame(
                            self.source, index, None,
                            f'stopped after {self.max_consecutive_failures}'
                            ' frames in a row failed to decode; '
                            f'{announced - index} of the {announced} frames '
                            'announced by the header were not read')
                        break
                    yield Frame(self.source, index, None,
                                'frame failed to decode')
                else:
                    break
                index += 1
        finally:
            capture.release()


SourceType = Union[ImageSource, VideoSource]


def _to_bgr(image: np.ndarray, name: str) -> np.ndarray:
    if image.dtype != np.uint8:
        raise TypeError(f'{name}: expected a uint8 image, got {image.dtype}')
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    raise ValueError(f'{name}: expected an H x W, H x W x 3 or H x W x 4 '
                     f'image, got shape {image.shape}')


def parse_camera(item: InputType) -> Optional[int]:
    """The camera index of ``3``, ``'3'`` (when no such file exists) or
    ``'camera:3'``; None for anything else."""
    if isinstance(item, (bool, np.ndarray)):
        return None
    if isinstance(item, int):
        return item
    if item.startswith('camera:') and item[len('camera:'):].isdigit():
        return int(item[len('camera:'):])
    if item.isdigit() and not osp.exists(item):
        return int(item)
    return None


def _unique(name: str, used: set) -> str:
    stem, ext = osp.splitext(name)
    candidate, k = name, 1
    while candidate in used:
        candidate, k = f'{stem}_{k}{ext}', k + 1
    used.add(candidate)
    return candidate


def collect_sources(
    inputs: Union[InputType, Sequence[InputType]],
    max_frames: Optional[int] = None,
) -> Tuple[List[SourceType], List[str]]:
    """Turn user inputs into sources.

    Args:
        inputs: One or a list of: image or video file, folder (searched
            recursively, sorted, images and videos by extension), camera
            index (``0``, ``'0'`` or ``'camera:0'``), or BGR image array.
        max_frames (int, optional): Frame limit for each video or camera.

    Returns:
        tuple: The sources, and the files of the folders that were skipped
        because their extension is neither an image nor a video one.

    Raises:
        FileNotFoundError: If a path does not exist.
    """
    if isinstance(inputs, (str, int, np.ndarray)):
        inputs = [inputs]
    sources, skipped, used = [], [], set()

    def add_file(path: str, name: str) -> None:
        name = _unique(name, used)
        if path.lower().endswith(VIDEO_EXTENSIONS):
            sources.append(VideoSource(path, name, max_frames))
        else:
            sources.append(ImageSource(path, name))

    for i, item in enumerate(inputs):
        camera = parse_camera(item)
        if isinstance(item, np.ndarray):
            sources.append(ImageSource(item, _unique(f'array_{i}.png', used)))
        elif camera is not None:
            sources.append(
                VideoSource(camera, _unique(f'camera_{camera}', used),
                            max_frames))
        elif osp.isdir(item):
            for root, dirs, files in os.walk(item):
                dirs.sort()
                for file in sorted(files):
                    path = osp.join(root, file)
                    if file.lower().endswith(IMAGE_EXTENSIONS +
                                             VIDEO_EXTENSIONS):
                        add_file(path, osp.relpath(path, item))
                    else:
                        skipped.append(path)
        elif osp.isfile(item):
            add_file(item, osp.basename(item))
        else:
            raise FileNotFoundError(
                f'input {item!r} is neither a file, a folder nor a camera '
                'index')
    return sources, skipped
