"""Face detectors side by side on scenes built from held-out real faces.

Builds ``--scenes`` pictures from the test split of the model config's data
set (for CK+ with subject folds: the faces of subjects the model never saw
in training), 1 to ``--max-faces`` faces each, upscaled to 40-200 px,
rotated by up to +-45 degrees, a quarter of them partly covered, half of
them mirrored, on generated backgrounds (``sqsnet_mm.analysis.detection``).
Every detector runs on every scene (in a new random order per scene, with
``--threads`` torch and OpenCV threads); it reports recall, false positives
per image and milliseconds per image, and the end-to-end accuracy: the
faces found and correctly classified by the model (aligned crops as
``tools/infer.py`` makes them) over the faces present. Two reference rows
classify crops cut at the true boxes (unrotated, and rotated by the true
angle), one the held-out crops themselves.

Example::

    python tools/train.py configs/resnet/resnet18_1xb32-300it_ckplus-64px.py \\
        --work-dir work_dirs/ckplus_resnet18
    python tools/analysis_tools/detection_benchmark.py \\
        configs/resnet/resnet18_1xb32-300it_ckplus-64px.py \\
        work_dirs/ckplus_resnet18/iter_300.pth --scenes 150 --margin 0 \\
        --out work_dirs/benchmarks/detection.json

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
from mmpretrain.registry import DATASETS

from sqsnet_mm.apis import (Face, FaceExpressionInferencer,
                            build_face_detector, crop_face, detector_config,
                            load_config, scores_faces)
from sqsnet_mm.apis.sources import read_image
from sqsnet_mm.datasets.emotions import canonical_emotion
from sqsnet_mm.utils import docstring_parser
from .detection import CONDITIONS, DetectionCounts, Scene, make_scene
from .timing import fmt_ms, machine_header, markdown, set_threads


def parse_args(argv=None):
    parser = docstring_parser(__doc__)
    parser.add_argument('config', help='config of the expression model')
    parser.add_argument('checkpoint', help='its checkpoint')
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
        default=0.2,
        help='crop margin, as in tools/infer.py')
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


def held_out_faces(config: str) -> Tuple[List[Tuple[str, str]], str]:
    """``(path, class name)`` of every image of the config's test split,
    and a description of the split."""
    cfg = load_config(config)
    dataset_cfg = cfg.test_dataloader.dataset.copy()
    dataset_cfg['pipeline'] = []
    dataset = DATASETS.build(dataset_cfg)
    if not len(dataset):
        raise ValueError(f'the test split of {config} has no image')
    classes = dataset.metainfo['classes']
    faces = [(dataset.get_data_info(i)['img_path'],
              canonical_emotion(classes[dataset.get_data_info(i)['gt_label']]))
             for i in range(len(dataset))]
    split = (f'{dataset_cfg["type"]} {dataset_cfg.get("data_root")} '
             f'split={dataset_cfg.get("split")}')
    if dataset_cfg.get('num_folds'):
        split += (f', test fold {dataset_cfg["fold"]} of '
                  f'{dataset_cfg["num_folds"]} subject folds')
    return faces, split


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


def classify(inferencer: FaceExpressionInferencer, image: np.ndarray,
             faces: Sequence[Face], margin: float) -> List[str]:
    """Predicted class names of faces, cropped as the inferencer does."""
    crops = [crop_face(image, face, margin, True)[0] for face in faces]
    scores = inferencer.classify(crops)
    return [
        canonical_emotion(inferencer.classes[int(i)]) for i in scores.argmax(1)
    ]


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
            inferencer: FaceExpressionInferencer,
            faces: List[Tuple[str, str]]) -> Dict[str, DetectionCounts]:
    """Run every detector and the model on ``args.scenes`` scenes.

    Returns:
        dict: Counts per row: one per detector, or per detector and score
        threshold for detectors that score faces, then the two true-box
        reference rows.
    """
    thresholds = sorted(args.score_thrs)
    counts = {
        (name, thr): DetectionCounts()
        for name in detectors
        for thr in thresholds
    }
    scored = dict.fromkeys(detectors, False)
    reference = {
        'true boxes, unrotated': DetectionCounts(),
        'true boxes, rotated by the true angle': DetectionCounts()
    }
    rng = np.random.default_rng(args.seed)
    order_rng = random.Random(args.seed)
    for s in range(args.scenes):
        picks = rng.choice(
            len(faces),
            int(rng.integers(1, args.max_faces + 1)),
            replace=False)
        scene = make_scene([faces[i] for i in picks], rng, args.width,
                           args.height)
        found: Dict[str, List[Face]] = {}
        seconds: Dict[str, float] = {}
        names = list(detectors)
        order_rng.shuffle(names)
        for name in names:
            start = time.perf_counter()
            found[name] = detectors[name](scene.image)
            seconds[name] = time.perf_counter() - start
        for name in detectors:
            labels = classify(inferencer, scene.image, found[name],
                              args.margin)
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
                    classify(inferencer, scene.image, truth, args.margin))
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
        args.config, args.checkpoint, detector='whole')
    faces, split = held_out_faces(args.config)
    crop_labels = [
        canonical_emotion(inferencer.classes[int(i)])
        for i in inferencer.classify([read_image(p)
                                      for p, _ in faces]).argmax(1)
    ]
    crop_accuracy = 100 * float(
        np.mean([p == label for p, (_, label) in zip(crop_labels, faces)]))
    rows = measure(args, detectors, inferencer, faces)

    header = machine_header(threads)
    print(header)
    print(f'{args.scenes} scenes of {args.width} x {args.height}, '
          f'{rows["true boxes, unrotated"].faces} faces from {len(faces)} '
          f'images of {split}; model {args.config} {args.checkpoint}; '
          f'match IoU >= {args.iou_thr}; margin {args.margin}; seed '
          f'{args.seed}\n')
    table = [[
        row, f'{c.recall:.1f}' if c.seconds else '-',
        f'{c.fp_per_image:.2f}' if c.seconds else '-',
        fmt_ms(c.seconds) if c.seconds else '-', f'{c.accuracy:.1f}',
        f'{c.accuracy_of_found:.1f}'
    ] for row, c in rows.items()]
    table.append([
        f'held-out crops themselves ({len(faces)}, no scene)', '-', '-', '-',
        f'{crop_accuracy:.1f}', f'{crop_accuracy:.1f}'
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
                    split=split,
                    crop_accuracy=crop_accuracy,
                    rows={
                        row:
                        dict(
                            recall=c.recall,
                            fp_per_image=c.fp_per_image,
                            ms_median=1e3 *
                            float(np.median(c.seconds)) if c.seconds else None,
                            accuracy=c.accuracy,
                            faces=c.faces,
                            found=c.found,
                            correct=c.correct,
                            false_positives=c.false_positives,
                            found_by=c.found_by)
                        for row, c in rows.items()
                    }),
                f,
                indent=1)
        print(f'\nwrote {args.out}')
    return 0
