"""Face detection measured on scenes built from real face crops.

A scene is a picture of ``width x height`` pixels on a generated background
(smooth colour noise, a gradient with clutter shapes, a texture of stripes
or checks, or a flat colour with rectangles) with several face crops pasted
into it at known places. Each face is upscaled to a side drawn
log-uniformly in ``face_sizes``, optionally mirrored, rotated in-plane by up
to ``max_angle`` degrees and partly covered by a rectangle from one side;
it is blended in through a feathered ellipse so that the crop's square
edge is not a cue. The ground-truth box of a face is the square of its
side centred where it was pasted (the rotation does not change it).

A detection is matched to a ground-truth face when their IoU is at least
``iou_thr``; matching is greedy, best IoU first, each face and each
detection used at most once. Unmatched detections are false positives.
When the model's classes differ from the faces' (a model of another data
set), only faces of the classes both have are scored for accuracy; the
others still count for recall and are counted as excluded
(:class:`DetectionCounts`).

Not imported by ``import sqsnet_mm`` (a plain module: OpenCV and NumPy).
"""
import math
from dataclasses import dataclass, field
from typing import (Collection, Dict, Iterator, List, Optional, Sequence,
                    Tuple)

import cv2
import numpy as np

Box = Tuple[int, int, int, int]

#: Sides from which an occluding rectangle covers a face.
OCCLUSION_SIDES = ('left', 'right', 'top', 'bottom')


@dataclass
class SceneFace:
    """A face pasted into a scene (the ground truth).

    Args:
        box (tuple): ``(x, y, side, side)``: the pasted square, unrotated.
        label (str): The face's class name.
        path (str): The crop it was made from.
        angle (float): In-plane rotation in degrees (counter-clockwise on
            screen).
        mirrored (bool): Flipped left-right.
        occlusion (str, optional): The side covered, see
            :data:`OCCLUSION_SIDES`.
    """
    box: Box
    label: str
    path: str
    angle: float = 0.
    mirrored: bool = False
    occlusion: Optional[str] = None


@dataclass
class Scene:
    """A generated picture and the faces in it.

    Args:
        image (np.ndarray, optional): ``H x W x 3`` BGR ``uint8``; None
            for a scene read back from its ground truth (faces only).
        faces (List[SceneFace]): The pasted faces.
        background (str): Kind of background.
    """
    image: Optional[np.ndarray]
    faces: List[SceneFace] = field(default_factory=list)
    background: str = ''


BACKGROUNDS = ('noise', 'clutter', 'texture', 'rectangles')


def make_background(kind: str, height: int, width: int,
                    rng: np.random.Generator) -> np.ndarray:
    """A generated background.

    Args:
        kind (str): One of :data:`BACKGROUNDS`: ``'noise'`` (smooth colour
            noise), ``'clutter'`` (a colour gradient with random ellipses
            and lines), ``'texture'`` (stripes or checks at a random angle)
            or ``'rectangles'`` (a flat colour with random rectangles).
        height (int): Image height.
        width (int): Image width.
        rng (np.random.Generator): Random source.

    Returns:
        np.ndarray: ``height x width x 3`` BGR ``uint8``.
    """
    if kind == 'noise':
        small = rng.uniform(
            0, 255,
            (max(2, height // 32), max(2, width // 32), 3)).astype(np.float32)
        image = cv2.resize(
            small, (width, height), interpolation=cv2.INTER_CUBIC)
        image += rng.normal(0, 8, image.shape).astype(np.float32)
        return np.clip(image, 0, 255).astype(np.uint8)
    if kind == 'clutter':
        start, end = rng.uniform(0, 255, (2, 3))
        t = np.linspace(0, 1, width, dtype=np.float32)[None, :, None]
        image = np.ascontiguousarray(
            np.broadcast_to(start + (end - start) * t,
                            (height, width, 3))).astype(np.uint8)
        for _ in range(int(rng.integers(10, 30))):
            color = tuple(int(c) for c in rng.integers(0, 256, 3))
            center = (int(rng.integers(0,
                                       width)), int(rng.integers(0, height)))
            if rng.random() < 0.5:
                axes = (int(rng.integers(5, width // 6)),
                        int(rng.integers(5, height // 6)))
                cv2.ellipse(image, center, axes, float(rng.uniform(0, 180)), 0,
                            360, color, -1)
            else:
                end_point = (int(rng.integers(0, width)),
                             int(rng.integers(0, height)))
                cv2.line(image, center, end_point, color,
                         int(rng.integers(1, 8)))
        return image
    if kind == 'texture':
        period = rng.uniform(6, 40)
        angle = rng.uniform(0, math.pi)
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        u = xs * math.cos(angle) + ys * math.sin(angle)
        v = -xs * math.sin(angle) + ys * math.cos(angle)
        pattern = np.sin(2 * math.pi * u / period)
        if rng.random() < 0.5:  # checks
            pattern = pattern * np.sin(2 * math.pi * v / period)
        dark, light = rng.uniform(0, 255, (2, 3))
        image = dark + (light - dark) * (pattern[..., None] + 1) / 2
        return image.astype(np.uint8)
    if kind == 'rectangles':
        image = np.empty((height, width, 3), np.uint8)
        image[:] = rng.integers(0, 256, 3)
        for _ in range(int(rng.integers(5, 20))):
            x0, x1 = sorted(rng.integers(0, width, 2))
            y0, y1 = sorted(rng.integers(0, height, 2))
            image[y0:y1 + 1, x0:x1 + 1] = rng.integers(0, 256, 3)
        return image
    raise ValueError(f'unknown background {kind!r}; one of {BACKGROUNDS}')


def face_mask(side: int, feather: float = 0.08) -> np.ndarray:
    """A feathered ellipse filling a ``side x side`` square, in ``[0, 1]``.

    Args:
        side (int): Square side in pixels.
        feather (float): Width of the soft edge, as a fraction of the side.

    Returns:
        np.ndarray: ``side x side`` float32 alpha mask.
    """
    r = (np.arange(side, dtype=np.float32) + 0.5) / side * 2 - 1
    distance = np.sqrt(r[None, :]**2 + r[:, None]**2)
    return np.clip((1 - distance) / (2 * feather), 0, 1)


def paste_face(scene: np.ndarray, crop: np.ndarray, box: Box, angle: float,
               occlusion: Optional[str], rng: np.random.Generator) -> None:
    """Paste a face crop into ``scene`` (in place).

    Args:
        scene (np.ndarray): The picture, BGR ``uint8``.
        crop (np.ndarray): The face, BGR ``uint8``, already mirrored if
            wanted; it is resized to the box side.
        box (tuple): ``(x, y, side, side)`` inside the scene.
        angle (float): Rotation in degrees, counter-clockwise on screen.
        occlusion (str, optional): Side covered by a random-colour
            rectangle (a third to a half of the face).
        rng (np.random.Generator): Random source (occluder size, colour).
    """
    x, y, side, _ = box
    face = cv2.resize(crop, (side, side), interpolation=cv2.INTER_CUBIC)
    alpha = face_mask(side)
    if occlusion is not None:
        depth = int(side * rng.uniform(1 / 3, 1 / 2))
        region = dict(
            left=np.s_[:, :depth],
            right=np.s_[:, side - depth:],
            top=np.s_[:depth, :],
            bottom=np.s_[side - depth:, :])[occlusion]
        face[region] = rng.integers(0, 256, 3)
        alpha[region] = 1.
    matrix = cv2.getRotationMatrix2D((side / 2, side / 2), angle, 1.)
    face = cv2.warpAffine(
        face, matrix, (side, side), borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.warpAffine(alpha, matrix, (side, side))[..., None]
    region = scene[y:y + side, x:x + side].astype(np.float32)
    scene[y:y + side, x:x + side] = np.round(region * (1 - alpha) +
                                             face * alpha).astype(np.uint8)


def make_scene(faces: Sequence[Tuple[str, str]],
               rng: np.random.Generator,
               width: int = 640,
               height: int = 480,
               face_sizes: Tuple[int, int] = (40, 200),
               max_angle: float = 45.,
               mirror_prob: float = 0.5,
               occlusion_prob: float = 0.25,
               max_tries: int = 200) -> Scene:
    """A scene with the given faces pasted at random free places.

    Args:
        faces (Sequence[tuple]): ``(path, label)`` of each face crop.
        rng (np.random.Generator): Random source.
        width (int): Scene width. Defaults to 640.
        height (int): Scene height. Defaults to 480.
        face_sizes (tuple): Smallest and largest face side in pixels,
            drawn log-uniformly. Defaults to ``(40, 200)``.
        max_angle (float): Rotations are drawn uniformly in
            ``[-max_angle, max_angle]`` degrees. Defaults to 45.
        mirror_prob (float): Probability of a left-right flip. Defaults to
            0.5.
        occlusion_prob (float): Probability of an occluder. Defaults to
            0.25.
        max_tries (int): Placements tried per face before giving up.

    Returns:
        Scene: The picture and its faces.

    Raises:
        ValueError: If a face cannot be placed without overlapping another
            in ``max_tries`` tries, or a crop cannot be read.
    """
    kind = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    scene = Scene(make_background(kind, height, width, rng), [], kind)
    low, high = np.log(face_sizes[0]), np.log(face_sizes[1])
    for path, label in faces:
        crop = cv2.imread(path, cv2.IMREAD_COLOR)
        if crop is None:
            raise ValueError(f'cannot read the face crop {path}')
        side = int(round(np.exp(rng.uniform(low, high))))
        for _ in range(max_tries):
            box = (int(rng.integers(0, width - side + 1)),
                   int(rng.integers(0, height - side + 1)), side, side)
            if all(
                    box_iou(box, other.box, gap=0.1) == 0
                    for other in scene.faces):
                break
        else:
            raise ValueError(f'no free place for a {side} px face in a '
                             f'{width} x {height} scene after {max_tries} '
                             'tries; use fewer or smaller faces')
        mirrored = bool(rng.random() < mirror_prob)
        angle = float(rng.uniform(-max_angle, max_angle))
        occlusion = OCCLUSION_SIDES[int(rng.integers(4))] \
            if rng.random() < occlusion_prob else None
        paste_face(scene.image, crop[:, ::-1] if mirrored else crop, box,
                   angle, occlusion, rng)
        scene.faces.append(
            SceneFace(box, label, path, angle, mirrored, occlusion))
    return scene


def generate_scenes(faces: Sequence[Tuple[str, str]],
                    num_scenes: int,
                    rng: np.random.Generator,
                    max_faces: int = 4,
                    width: int = 640,
                    height: int = 480) -> Iterator[Scene]:
    """The scenes of the detection benchmark, one after another.

    Each scene holds 1 to ``max_faces`` faces (uniformly) drawn without
    replacement from ``faces`` and is built by :func:`make_scene` with the
    same ``rng``, so the same faces, count and seed give the same scenes.

    Args:
        faces (Sequence[tuple]): ``(path, label)`` of every face crop.
        num_scenes (int): Number of scenes.
        rng (np.random.Generator): Random source.
        max_faces (int): Most faces in a scene. Defaults to 4.
        width (int): Scene width. Defaults to 640.
        height (int): Scene height. Defaults to 480.

    Yields:
        Scene: The next scene.

    Raises:
        ValueError: If ``max_faces`` is not in ``1..len(faces)``.
    """
    if not 1 <= max_faces <= len(faces):
        raise ValueError(f'max_faces must be in 1..{len(faces)} (the faces '
                         f'available), got {max_faces}')
    for _ in range(num_scenes):
        picks = rng.choice(
            len(faces), int(rng.integers(1, max_faces + 1)), replace=False)
        yield make_scene([faces[i] for i in picks], rng, width, height)


def box_iou(a: Sequence[float], b: Sequence[float], gap: float = 0.) -> float:
    """Intersection over union of two ``(x, y, w, h)`` boxes.

    Args:
        a (Sequence[float]): A box.
        b (Sequence[float]): Another box.
        gap (float): Grow ``a`` by this fraction of its size on every side
            first (to keep pasted faces apart). Defaults to 0.

    Returns:
        float: The IoU in ``[0, 1]``.
    """
    ax, ay, aw, ah = a
    ax, ay, aw, ah = (ax - gap * aw, ay - gap * ah, aw * (1 + 2 * gap),
                      ah * (1 + 2 * gap))
    bx, by, bw, bh = b
    w = max(0., min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0., min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    return inter / (aw * ah + bw * bh - inter) if inter > 0 else 0.


def match_boxes(detections: Sequence[Sequence[float]],
                truths: Sequence[Sequence[float]],
                iou_thr: float = 0.4) -> List[Optional[int]]:
    """Greedy one-to-one matching of detections to ground-truth boxes.

    Args:
        detections (Sequence): Detected ``(x, y, w, h)`` boxes.
        truths (Sequence): Ground-truth boxes.
        iou_thr (float): Smallest IoU of a match. Defaults to 0.4.

    Returns:
        list: For each ground-truth box, the index of its detection, or
        None when no detection matched it.
    """
    pairs = sorted(((box_iou(d, t), i, j) for i, d in enumerate(detections)
                    for j, t in enumerate(truths)),
                   reverse=True)
    matched: List[Optional[int]] = [None] * len(truths)
    used = set()
    for iou, i, j in pairs:
        if iou < iou_thr:
            break
        if matched[j] is None and i not in used:
            matched[j] = i
            used.add(i)
    return matched


@dataclass
class DetectionCounts:
    """Running totals of a detector on scenes.

    Args:
        faces (int): Ground-truth faces seen.
        found (int): Of them, matched by a detection.
        false_positives (int): Detections matching no face.
        correct (int): Found faces whose predicted class was right.
        images (int): Scenes seen.
        seconds (List[float]): Detection time of each scene.
        found_by (Dict[str, List[int]]): ``[found, faces]`` per condition
            (see :func:`face_conditions`).
        excluded (int): Faces of a class the model lacks (not in
            ``classes``): counted in ``faces`` and ``found``, left out of
            the accuracies.
        excluded_found (int): Of them, matched by a detection.
        classes (Collection[str], optional): The classes the model can
            predict (the shared classes of a
            :class:`~sqsnet_mm.apis.label_mapping.LabelMapping`); None: every
            face is scored.
    """
    faces: int = 0
    found: int = 0
    false_positives: int = 0
    correct: int = 0
    images: int = 0
    seconds: List[float] = field(default_factory=list)
    found_by: Dict[str, List[int]] = field(default_factory=dict)
    excluded: int = 0
    excluded_found: int = 0
    classes: Optional[Collection[str]] = None

    def add(self,
            scene: Scene,
            boxes: Sequence[Sequence[float]],
            labels: Optional[Sequence[str]] = None,
            seconds: Optional[float] = None,
            iou_thr: float = 0.4) -> List[Optional[int]]:
        """Count one scene.

        Args:
            scene (Scene): The scene.
            boxes (Sequence): The detected boxes.
            labels (Sequence[str], optional): The predicted class of each
                detection, to count correct classifications.
            seconds (float, optional): Time the detector took.
            iou_thr (float): Smallest IoU of a match.

        Returns:
            list: The matching, as :func:`match_boxes`.
        """
        truths = [face.box for face in scene.faces]
        matched = match_boxes(boxes, truths, iou_thr)
        scored = [
            self.classes is None or face.label in self.classes
            for face in scene.faces
        ]
        self.images += 1
        self.faces += len(truths)
        self.found += sum(m is not None for m in matched)
        self.false_positives += len(boxes) - sum(m is not None
                                                 for m in matched)
        self.excluded += scored.count(False)
        self.excluded_found += sum(m is not None and not s
                                   for m, s in zip(matched, scored))
        if labels is not None:
            self.correct += sum(
                m is not None and s and labels[m] == face.label
                for m, s, face in zip(matched, scored, scene.faces))
        if seconds is not None:
            self.seconds.append(seconds)
        for face, m in zip(scene.faces, matched):
            for condition in face_conditions(face):
                counts = self.found_by.setdefault(condition, [0, 0])
                counts[0] += m is not None
                counts[1] += 1
        return matched

    @property
    def recall(self) -> float:
        """Found faces / faces, in percent."""
        return 100 * self.found / max(1, self.faces)

    @property
    def fp_per_image(self) -> float:
        """False positives per scene."""
        return self.false_positives / max(1, self.images)

    @property
    def accuracy(self) -> float:
        """Found and correctly classified faces / faces of the model's
        classes, in percent."""
        return 100 * self.correct / max(1, self.faces - self.excluded)

    @property
    def accuracy_of_found(self) -> float:
        """Correctly classified faces / found faces of the model's
        classes, in percent."""
        return 100 * self.correct / max(1, self.found - self.excluded_found)

    def summary(self) -> dict:
        """The totals and rates as a JSON-serialisable dict (``ms_median``:
        median detection time per scene, None without timings)."""
        return dict(
            recall=self.recall,
            fp_per_image=self.fp_per_image,
            ms_median=1e3 *
            float(np.median(self.seconds)) if self.seconds else None,
            accuracy=self.accuracy,
            accuracy_of_found=self.accuracy_of_found,
            images=self.images,
            faces=self.faces,
            found=self.found,
            correct=self.correct,
            excluded=self.excluded,
            excluded_found=self.excluded_found,
            false_positives=self.false_positives,
            found_by=self.found_by)


#: The conditions of :func:`face_conditions`, in display order.
CONDITIONS = ('size < 64 px', 'size 64-127 px', 'size >= 128 px',
              '|angle| < 15', '|angle| 15-30', '|angle| >= 30', 'occluded',
              'not occluded', 'mirrored', 'not mirrored')


def face_conditions(face: SceneFace) -> List[str]:
    """The conditions a face falls in (:data:`CONDITIONS`), for recall
    broken down by them: its size and rotation buckets, whether it is
    occluded and whether it is mirrored."""
    side, angle = face.box[2], abs(face.angle)
    return [
        CONDITIONS[0 if side < 64 else 1 if side < 128 else 2],
        CONDITIONS[3 if angle < 15 else 4 if angle < 30 else 5],
        CONDITIONS[6 if face.occlusion else 7],
        CONDITIONS[8 if face.mirrored else 9],
    ]
