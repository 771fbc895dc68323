"""Face detectors side by side on scenes built from held-out real faces.

Builds ``--scenes`` pictures from the test split of the model config's data
set (for CK+ with subject folds: the faces of subjects the model never saw
in training), or of another config (``--faces-config``), or from every
image of a folder-per-class set (``--faces-root``, e.g. all of CK+48 for a
FERPlus model), 1 to ``--max-faces`` faces each, upscaled to 40-200 px,
rotated by up to +-45 degrees, a quarter of them partly covered, half of
them mirrored, on generated backgrounds (``sqsnet_mm.analysis.detection``;
``tools/analysis_tools/scenes.py write`` writes the same scenes as files).
Every detector runs on every scene (in a new random order per scene, with
``--threads`` torch and OpenCV threads); it reports recall, false positives
per image and milliseconds per image, and the end-to-end accuracy: the
faces found and correctly classified by the model over the faces present.
Faces are cropped by ``FaceExpressionInferencer.prepare_crop``, as
``tools/infer.py`` crops them: aligned, with the margin, colour and size of
the model config's ``face_crop`` key (``--margin`` overrides the margin).
Two reference rows classify crops cut at the true boxes (unrotated, and
rotated by the true angle), one the held-out crops themselves (in the
colour and size of ``face_crop``).

The model's classes are matched to the faces' by emotion name
(``LabelMapping``): its probabilities are restricted to the shared classes
and renormalised; faces of classes the model lacks stay in the scenes and
count for recall, and are counted as excluded from the accuracies (the
report gives their number).

Example::

    python tools/train.py configs/resnet/resnet18_1xb32-300it_ckplus-64px.py \\
        --work-dir work_dirs/ckplus_resnet18
    python tools/analysis_tools/detection_benchmark.py \\
        configs/resnet/resnet18_1xb32-300it_ckplus-64px.py \\
        work_dirs/ckplus_resnet18/iter_300.pth --scenes 150 --margin 0 \\
        --out work_dirs/benchmarks/detection.json
    # a FERPlus model (8 classes) on scenes of all of CK+48 (7 classes)
    python tools/analysis_tools/detection_benchmark.py FERPLUS_CONFIG CKPT \\
        --faces-root data/ckplus48 --detectors mtcnn

Detectors are given as ``NAME`` or ``NAME:KEY=VALUE,...`` (arguments of the
registered class), e.g. ``haar:min_face_size=0.05``. For detectors that
score their faces (``score_thr`` argument), one row is printed per
``--score-thrs`` value: the detector runs once, with ``score_thr`` the
lowest of them, and its faces are filtered.
"""
import argparse
import ast
import json
import math
import os
import os.path as osp
import random
import time
from typing import Callable, Dict, List, Sequence, Tuple

import cv2
import numpy as np

from sqsnet_mm.apis import (Face, FaceExpressionInferencer,
                            build_face_detector, detector_config, scores_faces)
from sqsnet_mm.apis.label_mapping import LabelMapping
from sqsnet_mm.apis.sources import read_image
from sqsnet_mm.datasets.transforms.match_face_crop import match_face_crop
from sqsnet_mm.utils import docstring_parser
from .detection import CONDITIONS, DetectionCounts, Scene, generate_scenes
from .scenes import add_face_arguments, load_faces, predicted_classes
from .timing import fmt_ms, machine_header, markdown, set_threads


def parse_args(argv=None):
    parser = docstring_parser(__doc__)
    parser.add_argument('config', help='config of the expression model')
    parser.add_argument('checkpoint', help='its checkpoint')
    add_face_arguments(parser, "the model config's test split")
    parser.add_argument(
        '--detectors',
        nargs='+',
        default=['haar', 'haar:min_face_size=0.05', 'mtcnn'],
        help='detectors, NAME or NAME:KEY=VALUE,...')
    parser.add_argument(
        '--score-thrs',
        nargs='+',
        type=float,
        default=[0.7, 0.9, 0.95, 0.99],
        help='score thresholds reported for detectors that score faces')
    parser.add_argument('--scenes', type=int, default=150)
    parser.add_argument('--max-faces', type=int, default=4)
    parser.add_argument('--width', type=int, default=640)
    parser.add_argument('--height', type=int, default=480)
    parser.add_argument(
        '--iou-thr',
        type=float,
        default=0.4,
        help='smallest IoU of a detection with its true box')
    parser.add_argument(
        '--margin',
        type=float,
        help="crop margin, as tools/infer.py's (default: the config's "
        'face_crop.margin, else 0.2)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--out', help='write all figures to this JSON file')
    parser.add_argument(
        '--save-scenes',
        type=int,
        default=0,
        help='write this many scenes, with true (green) and detected '
        'boxes, next to --out')
    return parser.parse_args(argv)


def parse_detector(spec: str, score_thr: float) -> Tuple[str, dict]:
    """``'haar:min_face_size=0.05'`` -> ``('haar:min_face_size=0.05',
    {'type': 'haar', 'min_face_size': 0.05})``; values are Python
    literals; ``score_thr`` is added for detectors that score faces."""
    name, _, options = spec.partition(':')
    cfg = detector_config(name, score_thr if scores_faces(name) else None)
    for option in filter(None, options.split(',')):
        key, sep, value = option.partition('=')
        if not sep:
            raise ValueError(f'detector option {option!r} of {spec!r} is '
                             'not KEY=VALUE')
        cfg[key] = ast.literal_eval(value)
    return spec, cfg


def true_face(face, aligned: bool) -> Face:
    """A :class:`Face` at a pasted face's true box; with ``aligned``, eyes
    on a line tilted as the pasted face, so :func:`crop_face` levels it."""
    if not aligned:
        return Face(box=face.box)
    x, y, side, _ = face.box
    cx, cy = x + side / 2, y + side / 2
    # a face turned counter-clockwise by a on screen has its eye line
    # rising to the right, i.e. tilted by -a in image coordinates
    dx, dy = math.cos(math.radians(face.angle)), math.sin(
        math.radians(face.angle))
    return Face(box=face.box, eyes=((cx - dx, cy + dy), (cx + dx, cy - dy)))


def classify(inferencer: FaceExpressionInferencer, mapping: LabelMapping,
             image: np.ndarray, faces: Sequence[Face]) -> List[str]:
    """Predicted classes of faces (shared with the faces' data set), cropped
    by :meth:`FaceExpressionInferencer.prepare_crop` as in
    ``tools/infer.py``."""
    crops = [inferencer.prepare_crop(image, face)[0] for face in faces]
    return predicted_classes(mapping, inferencer.classify(crops))


def save_scene(path: str, scene: Scene, detections: Dict[str,
                                                         List[Face]]) -> None:
    """Write a scene with its true boxes (green, thick) and each detector's
    boxes (one colour per detector, thin)."""
    colors = ((0, 0, 255), (255, 0, 0), (0, 200, 255), (255, 0, 255))
    canvas = scene.image.copy()
    for face in scene.faces:
        x, y, w, h = face.box
        cv2.rectangle(canvas, (x, y), (x + w, y + h), (0, 255, 0), 2)
    for k, faces in enumerate(detections.values()):
        for face in faces:
            x, y, w, h = face.box
            cv2.rectangle(canvas, (x, y), (x + w, y + h),
                          colors[k % len(colors)], 1)
    cv2.imwrite(path, canvas)


def measure(args: argparse.Namespace, detectors: Dict[str, Callable],
            inferencer: FaceExpressionInferencer, mapping: LabelMapping,
            faces: List[Tuple[str, str]]) -> Dict[str, DetectionCounts]:
    """Run every detector and the model on ``args.scenes`` scenes.

    Returns:
        dict: Counts per row: one per detector, or per detector and score
        threshold for detectors that score faces, then the two true-box
        reference rows.
    """
    thresholds = sorted(args.score_thrs)
    counts = {
        (name, thr): DetectionCounts(classes=mapping.shared)
        for name in detectors
        for thr in thresholds
    }
    scored = dict.fromkeys(detectors, False)
    reference = {
        'true boxes, unrotated':
        DetectionCounts(classes=mapping.shared),
        'true boxes, rotated by the true angle':
        DetectionCounts(classes=mapping.shared)
    }
    order_rng = random.Random(args.seed)
    scenes = generate_scenes(faces, args.scenes,
                             np.random.default_rng(args.seed), args.max_faces,
                             args.width, args.height)
    for s, scene in enumerate(scenes):
        found: Dict[str, List[Face]] = {}
        seconds: Dict[str, float] = {}
        names = list(detectors)
        order_rng.shuffle(names)
        for name in names:
            start = time.perf_counter()
            found[name] = detectors[name](scene.image)
            seconds[name] = time.perf_counter() - start
        for name in detectors:
            labels = classify(inferencer, mapping, scene.image, found[name])
            scored[name] |= any(f.score is not None for f in found[name])
            for thr in thresholds:
                keep = [
                    i for i, face in enumerate(found[name])
                    if face.score is None or face.score > thr
                ]
                counts[name,
                       thr].add(scene, [found[name][i].box for i in keep],
                                [labels[i] for i in keep], seconds[name],
                                args.iou_thr)
        for aligned, ref in zip((False, True), reference.values()):
            truth = [true_face(face, aligned) for face in scene.faces]
            ref.add(scene, [face.box for face in truth],
                    classify(inferencer, mapping, scene.image, truth))
        if args.out and s < args.save_scenes:
            scene_dir = osp.splitext(args.out)[0] + '_scenes'
            os.makedirs(scene_dir, exist_ok=True)
            save_scene(osp.join(scene_dir, f'scene_{s:03d}.png'), scene, found)
    rows = {
        (name if not scored[name] else f'{name} (score > {thr})'): c
        for (name, thr), c in counts.items()
        if scored[name] or thr == thresholds[0]
    }
    return {**rows, **reference}


def main(argv=None) -> int:
    args = parse_args(argv)
    threads = set_threads(args.threads)
    cv2.setNumThreads(threads)  # the Haar cascade runs on OpenCV's threads
    detectors = {
        name: build_face_detector(cfg)
        for name, cfg in (parse_detector(spec, min(args.score_thrs))
                          for spec in args.detectors)
    }
    inferencer = FaceExpressionInferencer(
        args.config, args.checkpoint, detector='whole', margin=args.margin)
    faces = load_faces(
        config=None if args.faces_root else args.faces_config or args.config,
        root=args.faces_root)
    mapping = LabelMapping(inferencer.classes, faces.classes)
    crop = inferencer.face_crop
    crop_labels = predicted_classes(
        mapping,
        inferencer.classify([
            match_face_crop(read_image(path), crop.color, crop.size)
            for path, _ in faces.faces
        ]))
    crop_scored = [(p, label)
                   for p, (_, label) in zip(crop_labels, faces.faces)
                   if label in mapping.shared]
    crop_accuracy = 100 * float(
        np.mean([p == label for p, label in crop_scored]))
    crop_excluded = len(faces.faces) - len(crop_scored)
    rows = measure(args, detectors, inferencer, mapping, faces.faces)
    present = rows['true boxes, unrotated']

    header = machine_header(threads)
    print(header)
    print(f'{args.scenes} scenes of {args.width} x {args.height}, '
          f'{present.faces} faces from {len(faces.faces)} images of '
          f'{faces.description}; model {args.config} {args.checkpoint}; '
          f'match IoU >= {args.iou_thr}; {crop.describe()}; seed '
          f'{args.seed}')
    print(f'classes: {mapping.describe()}; excluded from the accuracies '
          f'(classes the model lacks, still counted for recall): '
          f'{present.excluded} of the {present.faces} faces in the scenes, '
          f'{crop_excluded} of the {len(faces.faces)} crops\n')
    table = [[
        row, f'{c.recall:.1f}' if c.seconds else '-',
        f'{c.fp_per_image:.2f}' if c.seconds else '-',
        fmt_ms(c.seconds) if c.seconds else '-', f'{c.accuracy:.1f}',
        f'{c.accuracy_of_found:.1f}'
    ] for row, c in rows.items()]
    table.append([
        f'held-out crops themselves ({len(crop_scored)}, no scene)', '-', '-',
        '-', f'{crop_accuracy:.1f}', f'{crop_accuracy:.1f}'
    ])
    print(
        markdown([
            'detector', 'recall %', 'FP / image', 'ms / image',
            'found and correctly classified / present %',
            'correctly classified / found %'
        ], table))
    # the true-box rows have no detector, hence no time
    detected = {row: c for row, c in rows.items() if c.seconds}
    seen = next(iter(detected.values())).found_by
    conditions = [k for k in CONDITIONS if k in seen]
    print('\nrecall % by condition (faces in each):\n')
    print(
        markdown(['detector'] + [f'{k} ({seen[k][1]})' for k in conditions],
                 [[row] + [
                     f'{100 * c.found_by[k][0] / c.found_by[k][1]:.1f}'
                     for k in conditions
                 ] for row, c in detected.items()]))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(
                dict(
                    header=header,
                    args=vars(args),
                    split=faces.description,
                    face_crop=crop.describe(),
                    shared_classes=list(mapping.shared),
                    model_only=list(mapping.source_only),
                    excluded_classes=list(mapping.target_only),
                    crop_accuracy=crop_accuracy,
                    crop_excluded=crop_excluded,
                    rows={
                        row: c.summary()
                        for row, c in rows.items()
                    }),
                f,
                indent=1)
        print(f'\nwrote {args.out}')
    return 0
