"""Inputs of the face inferencer: images, folders, video files, cameras.

Every source yields :class:`Frame` objects. A frame that could not be read
(an empty or undecodable image file, an unsupported pixel type, a video
frame that failed to decode, a truncated video, a camera that cannot be
opened, a folder that cannot be listed) is yielded with ``image=None`` and
an ``error`` message, so it is reported and the rest of the inputs goes
on.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp',
                    '.pgm', '.ppm')
#: Image files read with their alpha channel, if they have one.
ALPHA_EXTENSIONS = ('.png', '.webp', '.tif', '.tiff')
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
        try:
            image = to_bgr_uint8(self.image) if isinstance(
                self.image, np.ndarray) else read_image(self.image)
        except ValueError as error:
            yield Frame(self.source, None, None, str(error))
        else:
            yield Frame(self.source, None, image)


class VideoSource:
    """A video file or a camera, read with ``cv2.VideoCapture``.

    A read that fails before the frame count announced by the file's header
    is retried with the next frame. Failed reads followed by a good one are
    reported one by one as frames that failed to decode; a run of failed
    reads that lasts to the announced count, or for
    ``max_consecutive_failures`` reads (then reading stops), is reported
    once, as the video ending early (a truncated file). Frame indices count
    read attempts: when a damaged container loses a frame altogether (no
    read attempt fails for it), the indices after it are shifted by one;
    the shortfall is then visible as failed reads at the end of the
    announced count. A camera stream ends at the first failed read or at
    ``max_frames``; a camera that cannot be opened or gives no frame is
    reported. An empty or unopenable file is reported as such.

    Args:
        video (str | int): File path or camera index.
        name (str): Name of the source, used for output files.
        max_frames (int, optional): Read at most this many frames.
        max_consecutive_failures (int): Stop after this many failed reads
            in a row. Defaults to 25.
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
        camera = isinstance(self.video, int)
        problem = None if camera else file_problem(self.video)
        capture = None if problem else self._open()
        if capture is None:
            if problem is not None:
                problem = f'cannot open the video: {problem}'
            elif camera:
                problem = (f'cannot open camera {self.video} (no such '
                           'device, or it is in use)')
            else:
                problem = ('cannot open the video (OpenCV cannot read the '
                           'container: damaged, truncated or unsupported)')
            yield Frame(self.source, None, None, problem)
            return
        self._read_properties(capture)
        announced = -1 if camera else self._announced
        index, failed, gave_up = 0, [], False
        try:
            while self.max_frames is None or index < self.max_frames:
                ok, image = capture.read()
                if ok:
                    yield from self._failed_frames(failed)
                    failed = []
                    yield Frame(self.source, index, image)
                elif index < announced:
                    failed.append(index)
                    gave_up = len(failed) >= self.max_consecutive_failures
                    if gave_up:
                        break
                else:
                    break
                index += 1
        finally:
            capture.release()
        if failed and (gave_up or index >= announced):
            stopped = f'; stopped after {len(failed)} failed reads in a ' \
                'row' if gave_up else ''
            yield Frame(
                self.source, failed[0], None,
                f'the video ends early: frames {failed[0]} to '
                f'{announced - 1} of the {announced} announced by its header '
                f'could not be read (truncated or damaged file{stopped})')
        else:
            yield from self._failed_frames(failed)
        if camera and index == 0:
            yield Frame(self.source, None, None,
                        f'camera {self.video} opened but gave no frame')

    def _failed_frames(self, indices: List[int]) -> Iterator[Frame]:
        for index in indices:
            yield Frame(self.source, index, None, 'frame failed to decode')


def to_bgr_uint8(image: np.ndarray) -> np.ndarray:
    """An image as OpenCV reads it, as the BGR ``uint8`` image models see.

    Grey images (``H x W`` or ``H x W x 1``) get three equal channels, an
    alpha channel (BGRA, or grey + alpha) is composited on white, 16-bit
    values are scaled by 255 / 65535.

    Args:
        image (np.ndarray): ``uint8`` or ``uint16``, ``H x W`` or
            ``H x W x C`` with C in 1-4 (OpenCV's channel order).

    Returns:
        np.ndarray: ``H x W x 3`` BGR ``uint8``.

    Raises:
        ValueError: For another pixel type or shape; the message names it.
    """
    if image.dtype not in (np.uint8, np.uint16):
        raise ValueError(f'unsupported pixel type {image.dtype} (8- and '
                         '16-bit images are read)')
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or not 1 <= image.shape[2] <= 4 or not image.size:
        raise ValueError(f'unsupported image shape {image.shape} (H x W or '
                         'H x W x 1-4 expected)')
    if image.dtype == np.uint8 and image.shape[2] == 3:
        return image
    pixels = image.astype(np.float32) / np.iinfo(image.dtype).max
    if image.shape[2] in (2, 4):
        alpha = pixels[..., -1:]
        pixels = pixels[..., :-1] * alpha + (1 - alpha)
    bgr = np.broadcast_to(pixels, pixels.shape[:2] + (3, ))
    return np.ascontiguousarray(np.round(bgr * 255).astype(np.uint8))


def file_problem(path: str) -> Optional[str]:
    """Why a file cannot be read at all (``'empty file (0 bytes)'``, an
    OS error), or None."""
    try:
        with open(path, 'rb') as f:
            if not f.read(1):
                return 'empty file (0 bytes)'
    except OSError as error:
        return f'cannot open the file ({error.strerror})'
    return None


def read_image(path: str) -> np.ndarray:
    """Read an image file as a BGR ``uint8`` image.

    Files that may hold an alpha channel (:data:`ALPHA_EXTENSIONS`) are read
    unchanged, so it is composited on white rather than dropped; the others
    are read as colour at their bit depth, with their EXIF orientation
    applied. Grey, alpha and 16-bit images are then converted by
    :func:`to_bgr_uint8`.

    Args:
        path (str): The image file.

    Returns:
        np.ndarray: ``H x W x 3`` BGR ``uint8``.

    Raises:
        ValueError: If the file is empty, cannot be opened or decoded, or
            has an unsupported pixel type; the message says which.
    """
    problem = file_problem(path)
    if problem is not None:
        raise ValueError(problem)
    flags = cv2.IMREAD_UNCHANGED if path.lower().endswith(
        ALPHA_EXTENSIONS) else cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH
    image = cv2.imread(path, flags)
    if image is None:
        raise ValueError('unreadable image file (OpenCV cannot decode it)')
    return to_bgr_uint8(image)


class UnreadableSource:
    """A folder that could not be listed: one frame with the error.

    Args:
        path (str): The folder.
        error (OSError): Why listing it failed.
    """
    is_video = False

    def __init__(self, path: str, error: OSError) -> None:
        self.source = path
        self.name = path
        self.problem = f'cannot list the folder ({error.strerror})'

    def __len__(self) -> int:
        return 1

    def __iter__(self) -> Iterator[Frame]:
        yield Frame(self.source, None, None, self.problem)


SourceType = Union[ImageSource, VideoSource, UnreadableSource]


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
        because their extension is neither an image nor a video one. A
        folder that cannot be listed is an :class:`UnreadableSource`.

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

            def unreadable(error: OSError) -> None:
                sources.append(UnreadableSource(error.filename, error))

            for root, dirs, files in os.walk(item, onerror=unreadable):
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
