"""How tightly a data set's face crops are cut, as a ``face_crop.margin``.

A face crop data set (FER2013, CK+48) is a folder of images that are each
one face. The inference path cuts faces out of photos with
:func:`sqsnet_mm.apis.crop_face`: a square of side ``s * (1 + 2 *
margin)`` around the detector's box of longer side ``s``. The margin that
reproduces the data set's crops is measured by running the same detector
on the crops themselves: an image of side ``S`` whose detected box has
side ``s`` was cut with ``margin = (S / s - 1) / 2`` (negative when the
box reaches past the image, i.e. the crop is tighter than the box).

The crops are small and fill the frame, so before detection each image is
resized to ``--upscale`` pixels (cubic) and padded by ``--pad`` of that
side with its replicated border, which gives MTCNN the context and the
face size it needs; the box is mapped back to the image. Images where no
face is found are counted and listed, never dropped silently. When several
faces are found, the most confident one is taken (and counted).

Example (FER2013 training crops, 300 images spread over the sorted list)::

    OMP_NUM_THREADS=1 python tools/analysis_tools/crop_margin.py \\
        data/ferplus/FER2013Train --num 300 --out work_dirs/margin.json
"""
import argparse
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

import cv2
import numpy as np
import torch

from sqsnet_mm.utils import docstring_parser

IMAGE_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp')


@dataclass
class CropMargins:
    """Per-image measurements of a set of face crops.

    Args:
        files (list): The images where a face was found.
        side_ratios (list): Longer box side / image side, per image.
        margins (list): ``crop_face`` margin reproducing each crop.
        centre_offsets (list): ``(dx, dy)`` of the box centre from the image
            centre, as fractions of the image side (positive: right, down).
        missed (list): Images without a detected face.
        several (int): Images with more than one detected face.
    """
    files: List[str] = field(default_factory=list)
    side_ratios: List[float] = field(default_factory=list)
    margins: List[float] = field(default_factory=list)
    centre_offsets: List[List[float]] = field(default_factory=list)
    missed: List[str] = field(default_factory=list)
    several: int = 0

    def summary(self) -> Dict[str, object]:
        """Counts, and median and quartiles of each measure."""

        def quartiles(values) -> Optional[List[float]]:
            if not len(values):
                return None
            return [
                round(float(q), 4)
                for q in np.percentile(values, [25, 50, 75])
            ]

        offsets = np.asarray(self.centre_offsets).reshape(-1, 2)
        return dict(
            images=len(self.files) + len(self.missed),
            faces_found=len(self.files),
            no_face=len(self.missed),
            several_faces=self.several,
            margin_q1_median_q3=quartiles(self.margins),
            side_ratio_q1_median_q3=quartiles(self.side_ratios),
            centre_dx_q1_median_q3=quartiles(offsets[:, 0]),
            centre_dy_q1_median_q3=quartiles(offsets[:, 1]))


def margin_of(side_ratio: float) -> float:
    """The ``crop_face`` margin whose crop has ``1 / side_ratio`` times the
    box side: ``(1 / side_ratio - 1) / 2``."""
    if side_ratio <= 0:
        raise ValueError(f'side ratio must be > 0, got {side_ratio}')
    return (1 / side_ratio - 1) / 2


def measure_crop_margins(files: Sequence[str],
                         detector: Callable,
                         upscale: int = 144,
                         pad: float = 0.5) -> CropMargins:
    """Detect the face of each crop and express its cut as a margin.

    Args:
        files (Sequence[str]): Square face-crop images.
        detector (callable): ``BGR image -> List[Face]`` (e.g.
            :class:`sqsnet_mm.apis.MTCNNFaceDetector`).
        upscale (int): Side the image is resized to before detection.
            Defaults to 144 (three times FER2013's 48 px).
        pad (float): Replicated border added on each side, fraction of
            ``upscale``. Defaults to 0.5.

    Returns:
        CropMargins: The measurements, with the images without a face.

    Raises:
        ValueError: For an unreadable or non-square image, or bad
            ``upscale`` / ``pad``.
    """
    if upscale < 1 or pad < 0:
        raise ValueError(f'upscale must be >= 1 and pad >= 0, got {upscale} '
                         f'and {pad}')
    result = CropMargins()
    border = int(round(pad * upscale))
    for path in files:
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f'cannot read the image {path}')
        if image.shape[0] != image.shape[1]:
            raise ValueError(f'{path} is {image.shape[1]} x '
                             f'{image.shape[0]}: face crops are square')
        big = cv2.resize(
            image, (upscale, upscale), interpolation=cv2.INTER_CUBIC)
        big = cv2.copyMakeBorder(big, border, border, border, border,
                                 cv2.BORDER_REPLICATE)
        faces = detector(big)
        if not faces:
            result.missed.append(path)
            continue
        result.several += len(faces) > 1
        face = max(faces, key=lambda f: f.score or 0.)
        x, y, w, h = face.box
        ratio = max(w, h) / upscale
        result.files.append(path)
        result.side_ratios.append(ratio)
        result.margins.append(margin_of(ratio))
        result.centre_offsets.append([(x + w / 2 - border) / upscale - 0.5,
                                      (y + h / 2 - border) / upscale - 0.5])
    return result


def sample_images(root: str, num: int) -> List[str]:
    """``num`` images evenly spaced over the sorted images under ``root``
    (all of them when there are fewer)."""
    files = sorted(
        osp.join(folder, name) for folder, _, names in os.walk(root)
        for name in names if name.lower().endswith(IMAGE_EXTENSIONS))
    if not files:
        raise FileNotFoundError(f'no image ({", ".join(IMAGE_EXTENSIONS)}) '
                                f'under {root}')
    if num >= len(files):
        return files
    return [files[i] for i in np.linspace(0, len(files) - 1, num).astype(int)]


def parse_args(argv=None) -> argparse.Namespace:
    parser = docstring_parser(__doc__)
    parser.add_argument('root', help='folder of face crops (recursive)')
    parser.add_argument(
        '--num', type=int, default=300, help='images, evenly spaced')
    parser.add_argument(
        '--upscale',
        type=int,
        default=144,
        help='side the crops are resized to for detection')
    parser.add_argument(
        '--pad',
        type=float,
        default=0.5,
        help='replicated border on each side, fraction of --upscale')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.9,
        help='MTCNN confidence threshold (tools/infer.py default)')
    parser.add_argument('--out', help='write the summary and lists (JSON)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from sqsnet_mm.apis import MTCNNFaceDetector
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', 1)))
    files = sample_images(args.root, args.num)
    result = measure_crop_margins(files,
                                  MTCNNFaceDetector(score_thr=args.score_thr),
                                  args.upscale, args.pad)
    summary = result.summary()
    print(f'{args.root}: {summary["images"]} images, face found in '
          f'{summary["faces_found"]}, no face in {summary["no_face"]}, '
          f'several faces in {summary["several_faces"]}')
    for key in ('margin', 'side_ratio', 'centre_dx', 'centre_dy'):
        values = summary[f'{key}_q1_median_q3']
        if values is not None:
            print(f'{key}: median {values[1]:+.3f}, IQR '
                  f'[{values[0]:+.3f}, {values[2]:+.3f}]')
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(
                dict(
                    root=args.root,
                    settings=dict(
                        upscale=args.upscale,
                        pad=args.pad,
                        score_thr=args.score_thr),
                    summary=summary,
                    measurements=asdict(result)),
                f,
                indent=1)
        print(f'wrote {args.out}')
    return 0
