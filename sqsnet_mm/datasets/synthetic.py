"""Synthetic facial-expression images drawn with OpenCV, in RAF-DB layout.

The seven classes (RAF-DB order: surprise, fear, disgust, happiness,
sadness, anger, neutral) differ only in local cues: the mouth (corner
curve, opening, width, lip thickness, raised upper lip), the brows (height,
tilt of the inner ends, arch) and the eye opening, plus small wrinkles
(nose for disgust, between the brows for anger, cheek folds for happiness).
Each image draws its expression at a random intensity from neutral, with
per-cue jitter, so classes overlap. Everything global is random and carries
no label: identity (face shape, skin, hair, eye and lip colour, feature
spacing), pose (in-plane rotation, yaw, scale, shift), lighting, blur,
noise, JPEG quality and a partial occlusion.

Images are byte-identical for a seed: each one draws from its own NumPy
generator seeded by ``(seed, split, index)``.
"""
import os
import os.path as osp
from typing import Dict, Tuple

import cv2
import numpy as np

from .emotions import RAFDB_CLASSES

_SHIFT = 4  # sub-pixel bits of the OpenCV drawing calls
_SCALE = 1 << _SHIFT

# Expression cues: the neutral value and the full-intensity value per class.
_CUES = ('eye_open', 'brow_raise', 'brow_tilt', 'brow_arch', 'mouth_curve',
         'mouth_open', 'mouth_width', 'lip_thick', 'sneer', 'nose_wrinkle',
         'brow_furrow', 'cheek_fold')
_NEUTRAL = dict(
    eye_open=1.0,
    brow_raise=0.0,
    brow_tilt=0.0,
    brow_arch=0.15,
    mouth_curve=0.0,
    mouth_open=0.0,
    mouth_width=1.0,
    lip_thick=1.0,
    sneer=0.0,
    nose_wrinkle=0.0,
    brow_furrow=0.0,
    cheek_fold=0.0)
_EXPRESSIONS: Dict[str, Dict[str, float]] = dict(
    surprise=dict(
        eye_open=1.6,
        brow_raise=0.9,
        brow_arch=0.6,
        mouth_open=1.0,
        mouth_width=0.7),
    fear=dict(
        eye_open=1.45,
        brow_raise=0.55,
        brow_tilt=18.0,
        brow_arch=0.0,
        mouth_curve=-0.15,
        mouth_open=0.45,
        mouth_width=1.25,
        lip_thick=0.8),
    disgust=dict(
        eye_open=0.7,
        brow_raise=-0.35,
        brow_tilt=-8.0,
        mouth_curve=-0.3,
        mouth_open=0.15,
        lip_thick=1.15,
        sneer=0.8,
        nose_wrinkle=1.0,
        cheek_fold=0.5),
    happiness=dict(
        eye_open=0.7,
        brow_arch=0.2,
        mouth_curve=0.9,
        mouth_open=0.35,
        mouth_width=1.25,
        lip_thick=0.9,
        cheek_fold=1.0),
    sadness=dict(
        eye_open=0.8,
        brow_raise=0.15,
        brow_tilt=22.0,
        brow_arch=0.0,
        mouth_curve=-0.7,
        mouth_width=0.95),
    anger=dict(
        eye_open=0.75,
        brow_raise=-0.5,
        brow_tilt=-22.0,
        brow_arch=0.0,
        mouth_curve=-0.1,
        mouth_width=0.85,
        lip_thick=0.55,
        brow_furrow=1.0),
    neutral=dict())
# Per-cue jitter (standard deviation), in the cue's units.
_JITTER = dict(
    eye_open=0.12,
    brow_raise=0.12,
    brow_tilt=4.0,
    brow_arch=0.08,
    mouth_curve=0.12,
    mouth_open=0.08,
    mouth_width=0.08,
    lip_thick=0.12,
    sneer=0.1,
    nose_wrinkle=0.15,
    brow_furrow=0.15,
    cheek_fold=0.15)


def _pts(points: np.ndarray) -> np.ndarray:
    """Float points to the fixed-point int32 array OpenCV draws."""
    return np.round(np.asarray(points) * _SCALE).astype(np.int32)


def _color(rgb) -> Tuple[int, int, int]:
    """An RGB triple as the BGR tuple of ints OpenCV expects."""
    r, g, b = (int(min(max(float(c), 0.0), 255.0)) for c in rgb)
    return (b, g, r)


def _line(img, points, color, thickness) -> None:
    """Anti-aliased open polyline through float ``points``."""
    cv2.polylines(img, [_pts(points)], False, _color(color),
                  max(1, int(round(thickness))), cv2.LINE_AA, _SHIFT)


def _ellipse(img, center, axes, angle, color, thickness=-1) -> None:
    """Anti-aliased ellipse (filled by default) at float coordinates."""
    cv2.ellipse(img,
                tuple(int(v) for v in np.round(np.asarray(center) * _SCALE)),
                tuple(int(max(v, 0.5) * _SCALE) for v in axes), angle, 0, 360,
                _color(color), thickness, cv2.LINE_AA, _SHIFT)


def _expression(label: int, rng: np.random.Generator) -> Dict[str, float]:
    """Cue values of one image: from neutral towards the class's target at a
    random intensity, plus jitter on every cue."""
    target = _EXPRESSIONS[RAFDB_CLASSES[label]]
    intensity = rng.uniform(0.35, 1.0)
    cues = {}
    for cue in _CUES:
        neutral = _NEUTRAL[cue]
        shift = intensity * (target.get(cue, neutral) - neutral)
        cues[cue] = neutral + shift + rng.normal(0.0, _JITTER[cue])
    return cues


def _identity(rng: np.random.Generator, size: int) -> Dict[str, object]:
    """Random identity: geometry and colours that carry no label."""
    skin = np.array([rng.uniform(90, 245), 0, 0])
    skin[1] = skin[0] * rng.uniform(0.68, 0.85)
    skin[2] = skin[0] * rng.uniform(0.5, 0.72)
    hair = rng.choice([[30, 22, 18], [80, 55, 35], [190, 160, 100],
                       [120, 120, 120], [140, 60, 30]])
    hair = hair * rng.uniform(0.7, 1.2)
    a = size * rng.uniform(0.25, 0.31)
    return dict(
        a=a,
        b=a * rng.uniform(1.18, 1.42),
        skin=skin,
        hair=hair,
        hair_height=rng.uniform(0.15, 0.55),
        iris=rng.choice([[70, 45, 25], [60, 100, 150], [70, 110, 70],
                         [35, 25, 20]]),
        lips=skin * np.array([rng.uniform(0.8, 1.0), 0.55, 0.6]),
        eye_dx=rng.uniform(0.34, 0.44),
        eye_y=rng.uniform(-0.22, -0.1),
        eye_w=rng.uniform(0.15, 0.2),
        brow_thick=rng.uniform(0.035, 0.07),
        mouth_y=rng.uniform(0.45, 0.58),
        mouth_w=rng.uniform(0.36, 0.48),
        background=rng.uniform(20, 235, size=3))


def _draw_eye(img, c, w, ident, e, far) -> None:
    """One eye at ``c``, ``w`` wide: sclera, iris, pupil and lids;
    ``far < 1`` narrows the eye turned away by the yaw."""
    h = w * 0.42 * max(e['eye_open'], 0.12) * far
    dark = ident['skin'] * 0.35
    _ellipse(img, c, (w * far, h), 0, (235, 232, 225))
    r = min(w * 0.42, h * 0.95)
    _ellipse(img, c, (r * far, r), 0, ident['iris'])
    _ellipse(img, c, (r * 0.45 * far, r * 0.45), 0, (15, 12, 10))
    x = np.linspace(-1, 1, 9)
    lid = np.stack([c[0] + x * w * far, c[1] - h * np.sqrt(1 - x**2)], 1)
    _line(img, lid, dark, max(1.0, w * 0.16))
    # Lower lid pushed up by the cheeks when narrowed (smile, disgust).
    _line(img, np.stack([c[0] + x * w * far, c[1] + h * np.sqrt(1 - x**2)], 1),
          ident['skin'] * 0.7, max(1.0, w * 0.08))


def _draw_brow(img, c, w, ident, e, side, far) -> None:
    """The brow above the eye at ``c`` (``side`` -1 left, 1 right); a
    positive tilt raises the inner end."""
    a = ident['a']
    y0 = c[1] - a * (0.2 + 0.13 * e['brow_raise'])
    x = np.linspace(-1, 1, 9)
    tilt = np.tan(np.radians(e['brow_tilt'])) * w * 1.2
    # inner end is at x = -side (towards the nose)
    y = y0 - e['brow_arch'] * w * 0.6 * (1 - x**2) - tilt * 0.5 * (-side * x)
    pts = np.stack([c[0] + x * w * 1.25 * far, y], 1)
    _line(img, pts, ident['hair'] * 0.8, a * ident['brow_thick'] * 2)


def _draw_mouth(img, cx, cy, ident, e) -> None:
    """Lips and mouth opening; corners go up with a positive curve."""
    a = ident['a']
    half_w = a * ident['mouth_w'] * max(e['mouth_width'], 0.4)
    x = np.linspace(-1, 1, 15)
    mid = cy + e['mouth_curve'] * a * 0.22 * (1 - x**2) - \
        e['mouth_curve'] * a * 0.06
    opening = a * 0.28 * max(e['mouth_open'], 0.0) * np.sqrt(1 - x**2)
    sneer = a * 0.12 * max(e['sneer'], 0.0) * np.exp(-((x - 0.35) / 0.35)**2)
    upper = np.stack([cx + x * half_w, mid - opening * 0.4 - sneer], 1)
    lower = np.stack([cx + x * half_w, mid + opening * 0.6], 1)
    if e['mouth_open'] > 0.05:
        inside = np.concatenate([upper, lower[::-1]])
        cv2.fillPoly(img, [_pts(inside)], _color((60, 20, 25)), cv2.LINE_AA,
                     _SHIFT)
        if e['mouth_curve'] > 0.3:  # teeth of an open smile
            teeth = np.concatenate(
                [upper, upper[::-1] + [0, opening.max() * 0.45 + 1]])
            cv2.fillPoly(img, [_pts(teeth)], _color((235, 235, 225)),
                         cv2.LINE_AA, _SHIFT)
    thick = a * 0.07 * max(e['lip_thick'], 0.25)
    _line(img, upper, ident['lips'], thick)
    _line(img, lower, ident['lips'] * 0.95, thick * 1.2)


def _draw_face(img: np.ndarray, ident: dict, e: dict,
               rng: np.random.Generator) -> None:
    """Draw head, hair and features at the canvas centre, frontal."""
    size = img.shape[0]
    a, b = ident['a'], ident['b']
    cx, cy = size / 2, size * 0.53
    skin = ident['skin']
    _ellipse(img, (cx, cy + b * 0.95), (a * 0.55, b * 0.5), 0, skin * 0.8)
    _ellipse(img, (cx, cy - b * 0.25),
             (a * 1.12, b * (0.85 + ident['hair_height'])), 0, ident['hair'])
    for side in (-1, 1):
        _ellipse(img, (cx + side * a * 0.98, cy - b * 0.02),
                 (a * 0.14, b * 0.2), 0, skin * 0.9)
    _ellipse(img, (cx, cy), (a, b), 0, skin)
    yaw = rng.uniform(-0.35, 0.35)
    fx = cx + yaw * a * 0.35  # features shift with the head's yaw
    eye_w = a * ident['eye_w'] * 1.6
    for side in (-1, 1):
        far = 1 - max(0.0, -side * yaw)  # the far eye looks narrower
        c = (fx + side * a * ident['eye_dx'] * (1 + 0.3 * side * yaw),
             cy + b * ident['eye_y'])
        _draw_eye(img, c, eye_w, ident, e, far)
        _draw_brow(img, c, eye_w, ident, e, side, far)
    dark = skin * 0.6
    nose_y = cy + b * 0.22
    _line(img, [(fx, cy - b * 0.02), (fx + a * 0.02, nose_y)], skin * 0.82,
          a * 0.04)
    for side in (-1, 1):
        _ellipse(img, (fx + side * a * 0.09, nose_y), (a * 0.05, a * 0.03), 0,
                 dark)
    eye_y = cy + b * ident['eye_y']
    for i in range(int(round(3 * np.clip(e['nose_wrinkle'], 0, 1)))):
        y = eye_y + a * (0.12 + 0.09 * i)
        _line(img, [(fx - a * 0.09, y), (fx, y - a * 0.03),
                    (fx + a * 0.09, y)], dark, a * 0.025)
    for i in range(int(round(2 * np.clip(e['brow_furrow'], 0, 1)))):
        x = fx + (i - 0.5) * a * 0.1
        _line(img, [(x, eye_y - a * 0.3), (x, eye_y - a * 0.12)], dark,
              a * 0.025)
    mouth_y = cy + b * ident['mouth_y']
    fold = np.clip(e['cheek_fold'], 0, 1)
    if fold > 0.25:
        for side in (-1, 1):
            t = np.linspace(0, 1, 7)
            pts = np.stack([
                fx + side * a * (0.16 + 0.22 * t + 0.08 * np.sin(t * np.pi)),
                nose_y + (mouth_y - nose_y + a * 0.1) * t
            ], 1)
            _line(img, pts, skin * (1 - 0.3 * fold), a * 0.03)
    _draw_mouth(img, fx, mouth_y, ident, e)


def _occlude(img: np.ndarray, rng: np.random.Generator) -> None:
    """Cover a random part of the face with a random shape."""
    size = img.shape[0]
    center = rng.uniform(0.3, 0.7, size=2) * size
    axes = rng.uniform(0.08, 0.2, size=2) * size
    color = rng.uniform(0, 255, size=3)
    if rng.random() < 0.5:
        _ellipse(img, center, axes, rng.uniform(0, 180), color)
    else:
        p1, p2 = center - axes, center + axes
        cv2.rectangle(img, tuple(_pts(p1)), tuple(_pts(p2)), _color(color), -1,
                      cv2.LINE_AA, _SHIFT)


def render_face(label: int,
                rng: np.random.Generator,
                size: int = 112) -> np.ndarray:
    """Draw one synthetic face with the expression ``label``.

    Args:
        label (int): Class index in RAF-DB order (0 surprise ... 6 neutral).
        rng (np.random.Generator): Source of every random choice.
        size (int): Side of the square image in pixels.

    Returns:
        np.ndarray: ``size x size x 3`` uint8 BGR image.
    """
    ident = _identity(rng, size)
    expression = _expression(label, rng)
    img = np.empty((size, size, 3), np.uint8)
    img[:] = _color(ident['background'])
    _draw_face(img, ident, expression, rng)
    # pose: in-plane rotation, scale and shift
    matrix = cv2.getRotationMatrix2D((size / 2, size / 2),
                                     rng.uniform(-15, 15),
                                     rng.uniform(0.85, 1.15))
    matrix[:, 2] += rng.uniform(-0.06, 0.06, size=2) * size
    img = cv2.warpAffine(
        img, matrix, (size, size), borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.3:
        _occlude(img, rng)
    # lighting: global gain, colour cast and a linear gradient
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.linspace(-1, 1, size, dtype=np.float32)
    gradient = np.cos(angle) * ramp[None, :] + np.sin(angle) * ramp[:, None]
    light = (rng.uniform(0.65, 1.2) *
             (1 + rng.uniform(0, 0.4) * gradient))[..., None] * rng.uniform(
                 0.9, 1.1, size=3).astype(np.float32)
    out = img.astype(np.float32) * light
    sigma = rng.uniform(0, 1.3)
    if sigma > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    # sensor noise, luminance only (uniform, standard deviation up to 7)
    out += rng.uniform(0, 24) * (
        rng.random((size, size, 1), np.float32) - np.float32(0.5))
    return np.clip(out, 0, 255, out=out).astype(np.uint8)


def generate_synthetic_fer(out_dir: str,
                           num_train: int = 8400,
                           num_test: int = 700,
                           size: int = 112,
                           seed: int = 0) -> str:
    """Write a synthetic FER data set in the RAF-DB basic layout.

    Writes ``out_dir/EmoLabel/list_patition_label.txt`` (labels 1-7 in
    RAF-DB order) and ``out_dir/Image/aligned/<stem>_aligned.jpg``, so that
    :class:`sqsnet_mm.datasets.RAFDB` reads it. Classes are balanced within
    each split. The output is byte-identical for the same arguments.

    Args:
        out_dir (str): Output folder (created if needed).
        num_train (int): Training images.
        num_test (int): Test images.
        size (int): Image side in pixels.
        seed (int): Random seed.

    Returns:
        str: Path of the label file.
    """
    if num_train < 0 or num_test < 0 or num_train + num_test == 0:
        raise ValueError(f'need some images, got num_train={num_train}, '
                         f'num_test={num_test}')
    if size < 32:
        raise ValueError(f'size must be >= 32 pixels, got {size}')
    img_dir = osp.join(out_dir, 'Image', 'aligned')
    label_dir = osp.join(out_dir, 'EmoLabel')
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(label_dir, exist_ok=True)
    lines = []
    for split_id, (split, num, digits) in enumerate(
        (('train', num_train, 5), ('test', num_test, 4))):
        labels = np.random.default_rng([seed, split_id]).permutation(
            np.arange(num) % len(RAFDB_CLASSES))
        width = max(digits, len(str(num)))
        for i, label in enumerate(labels):
            rng = np.random.default_rng([seed, split_id, i])
            img = render_face(int(label), rng, size)
            stem = f'{split}_{i + 1:0{width}d}'
            quality = int(rng.integers(75, 96))
            ok, buf = cv2.imencode('.jpg', img,
                                   [cv2.IMWRITE_JPEG_QUALITY, quality])
            if not ok:
                raise RuntimeError(f'OpenCV could not encode {stem}')
            buf.tofile(osp.join(img_dir, f'{stem}_aligned.jpg'))
            lines.append(f'{stem}.jpg {int(label) + 1}\n')
    label_file = osp.join(label_dir, 'list_patition_label.txt')
    with open(label_file, 'w', encoding='utf-8') as f:
        f.writelines(lines)
    return label_file
