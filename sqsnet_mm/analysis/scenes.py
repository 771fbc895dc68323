"""Scenes of real faces as files; tools/infer.py's predictions scored on them.

``write`` builds the detection benchmark's scenes
(:func:`~sqsnet_mm.analysis.detection.generate_scenes`: the same faces,
``--scenes``, ``--max-faces``, size and ``--seed`` give the same scenes as
``detection_benchmark.py``) and writes ``OUT_DIR/images/scene_000.jpg``
..., ``OUT_DIR/ground_truth.json`` (each scene's file and faces: box
``[x, y, w, h]``, class, source crop, rotation, mirroring, occlusion; the
faces' classes) and, with ``--video``, ``OUT_DIR/scenes.mp4`` (mp4v), the
scenes one after another, each held ``--hold`` seconds at ``--fps``. The
faces are those of a config's test split (``--faces-config``) or every
image of a folder-per-class set (``--faces-root``, read by ``FERFolder``,
e.g. all of CK+48).

``score`` reads the ``predictions.json`` that ``tools/infer.py`` wrote for
the scene images or the video and counts, per input (images; video
frames, each scene's ``frames_per_scene`` frames), as the benchmark does:
faces found (IoU with the true box >= ``--iou-thr``, greedy one-to-one),
false positives per image, and faces found and correctly classified. The
model's classes are matched to the faces' by emotion name
(:class:`~sqsnet_mm.apis.label_mapping.LabelMapping`): its probabilities
are restricted to the shared classes and renormalised; faces of classes
the model lacks count for recall and are reported as excluded from the
accuracy. A scene image or video frame without a record had no face
detected. Example::

    python tools/analysis_tools/scenes.py write --faces-root data/ckplus48 \\
        --scenes 150 --video --out-dir work_dirs/ckplus_scenes
    python tools/infer.py CONFIG work_dirs/ckplus_scenes/images \\
        --checkpoint CKPT --out-dir outputs/ckplus_scenes
    python tools/analysis_tools/scenes.py score \\
        work_dirs/ckplus_scenes/ground_truth.json \\
        outputs/ckplus_scenes/predictions.json
"""
import argparse
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpretrain.registry import DATASETS

from sqsnet_mm.apis import load_config
from sqsnet_mm.apis.label_mapping import LabelMapping
from sqsnet_mm.datasets.emotions import canonical_emotion
from sqsnet_mm.utils import docstring_parser
from .detection import DetectionCounts, Scene, SceneFace, generate_scenes
from .timing import markdown

#: Ground-truth file, scene image folder and video inside a scene folder.
GROUND_TRUTH = 'ground_truth.json'
IMAGE_DIR = 'images'
VIDEO = 'scenes.mp4'


@dataclass
class SceneFaces:
    """The faces scenes are built from.

    Args:
        faces (List[tuple]): ``(path, canonical class name)`` of each crop.
        classes (Tuple[str, ...]): The data set's classes (canonical), in
            its label order.
        description (str): Where the faces come from.
    """
    faces: List[Tuple[str, str]]
    classes: Tuple[str, ...]
    description: str


def load_faces(config: Optional[str] = None,
               root: Optional[str] = None) -> SceneFaces:
    """Every image of a config's test split, or of a folder per class.

    Args:
        config (str, optional): A config whose ``test_dataloader.dataset``
            gives the faces (for CK+ with subject folds: the test fold).
        root (str, optional): A folder-per-class data set (``FERFolder``),
            all of its images.

    Returns:
        SceneFaces: The faces, the classes and a description.

    Raises:
        ValueError: If not exactly one of ``config`` and ``root`` is given,
            or the faces are none.
    """
    if (config is None) == (root is None):
        raise ValueError('give either a config or a folder of faces')
    if config is not None:
        dataset_cfg = load_config(config).test_dataloader.dataset.copy()
        where = f'the test split of {config}'
    else:  # importing sqsnet_mm registered FERFolder
        dataset_cfg = dict(type='FERFolder', data_root=root, split='all')
        where = root
    dataset_cfg['pipeline'] = []
    dataset = DATASETS.build(dataset_cfg)
    if not len(dataset):
        raise ValueError(f'{where} has no image')
    classes = tuple(map(canonical_emotion, dataset.metainfo['classes']))
    faces = [(info['img_path'], classes[info['gt_label']])
             for info in map(dataset.get_data_info, range(len(dataset)))]
    description = (f'{dataset_cfg["type"]} {dataset_cfg.get("data_root")} '
                   f'split={dataset_cfg.get("split")}')
    if dataset_cfg.get('num_folds'):
        description += (f', test fold {dataset_cfg["fold"]} of '
                        f'{dataset_cfg["num_folds"]} subject folds')
    return SceneFaces(faces, classes, description)


def add_face_arguments(parser: argparse.ArgumentParser,
                       config_default: str = '') -> None:
    """``--faces-config`` / ``--faces-root`` (see :func:`load_faces`).

    Args:
        parser (argparse.ArgumentParser): The parser.
        config_default (str): What ``--faces-config``'s help names as the
            default when neither is given ('' when one is required).
    """
    group = parser.add_mutually_exclusive_group(required=not config_default)
    group.add_argument(
        '--faces-config',
        help='take the faces from the test split of this config' +
        (f' (default: {config_default})' if config_default else ''))
    group.add_argument(
        '--faces-root',
        help='take every image of this folder-per-class data set (FERFolder),'
        ' e.g. data/ckplus48')


def predicted_classes(mapping: LabelMapping, scores: np.ndarray) -> List[str]:
    """The shared class of highest renormalised probability of each face.

    Args:
        mapping (LabelMapping): Model classes -> the faces' classes.
        scores (np.ndarray): Model probabilities, ``N x`` model classes.

    Returns:
        List[str]: ``N`` canonical class names, all in ``mapping.shared``.
    """
    return [mapping.shared[i] for i in mapping.map_scores(scores).argmax(-1)]


def write_scenes(scenes: Sequence[Scene],
                 out_dir: str,
                 meta: dict,
                 video: bool = False,
                 fps: float = 10.,
                 hold: float = 1.) -> dict:
    """Write scene images, their ground truth and optionally a video.

    Args:
        scenes (Sequence[Scene]): The scenes (all of one size).
        out_dir (str): The folder (made if needed).
        meta (dict): Stored in the ground truth as is (``classes``: the
            faces' classes, where they come from, the seed ...).
        video (bool): Also write :data:`VIDEO`. Defaults to False.
        fps (float): Video frame rate. Defaults to 10.
        hold (float): Seconds each scene is shown. Defaults to 1.

    Returns:
        dict: The ground truth as written.

    Raises:
        RuntimeError: If an image or the video cannot be written.
    """
    os.makedirs(osp.join(out_dir, IMAGE_DIR), exist_ok=True)
    truth = dict(meta, scenes=[], video=None)
    for i, scene in enumerate(scenes):
        name = f'{IMAGE_DIR}/scene_{i:03d}.jpg'
        if not cv2.imwrite(
                osp.join(out_dir, name), scene.image,
            [cv2.IMWRITE_JPEG_QUALITY, 95]):
            raise RuntimeError(f'cannot write {osp.join(out_dir, name)}')
        truth['scenes'].append(
            dict(
                image=name,
                background=scene.background,
                faces=[
                    dict(asdict(face), box=list(face.box))
                    for face in scene.faces
                ]))
    if video:
        frames_per_scene = max(1, int(round(hold * fps)))
        height, width = scenes[0].image.shape[:2]
        path = osp.join(out_dir, VIDEO)
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                                 (width, height))
        if not writer.isOpened():
            raise RuntimeError(f'OpenCV cannot write the mp4v video {path}')
        for scene in scenes:
            for _ in range(frames_per_scene):
                writer.write(scene.image)
        writer.release()
        truth['video'] = dict(
            file=VIDEO, fps=fps, frames_per_scene=frames_per_scene)
    with open(osp.join(out_dir, GROUND_TRUTH), 'w', encoding='utf-8') as f:
        json.dump(truth, f, indent=1)
    return truth


def read_scenes(truth: dict) -> List[Scene]:
    """The scenes of a ground truth (faces only, ``image`` None)."""
    return [
        Scene(None, [
            SceneFace(**dict(face, box=tuple(face['box'])))
            for face in scene['faces']
        ], scene['background']) for scene in truth['scenes']
    ]


def score_predictions(
    truth: dict,
    records: Sequence[dict],
    iou_thr: float = 0.4
) -> Tuple[Dict[str, DetectionCounts], LabelMapping, int]:
    """Count ``tools/infer.py``'s face records against the ground truth.

    Records of a still image are matched to the scene image of the same
    file name, records of a video frame to the scene the frame shows (the
    video of the same file name, ``frame // frames_per_scene``).

    Args:
        truth (dict): The ground truth (:func:`write_scenes`).
        records (Sequence[dict]): The records of ``predictions.json``.
        iou_thr (float): Smallest IoU of a match. Defaults to 0.4.

    Returns:
        tuple: Counts per input (``'images'`` and/or ``'video'``, each for
        every scene image or video frame), the label mapping, and the
        number of records of neither (other files).

    Raises:
        ValueError: If no record is of a scene image or of the video, or
            the records do not all have the same classes.
    """
    classes = list(records[0]['probabilities']) if records else []
    if any(list(r['probabilities']) != classes for r in records):
        raise ValueError('the records do not all have the same classes; '
                         'score one model at a time')
    scenes = read_scenes(truth)
    image_index = {
        osp.basename(s['image']): i
        for i, s in enumerate(truth['scenes'])
    }
    video = truth.get('video') or {}
    per_image: Dict[int, List[dict]] = {}
    per_frame: Dict[int, List[dict]] = {}
    others = 0
    for record in records:
        name = osp.basename(record['source'])
        if record['frame'] is None and name in image_index:
            per_image.setdefault(image_index[name], []).append(record)
        elif record['frame'] is not None and name == video.get('file'):
            per_frame.setdefault(record['frame'], []).append(record)
        else:
            others += 1
    if not per_image and not per_frame:
        raise ValueError('no prediction record is of a scene image '
                         f'({IMAGE_DIR}/scene_*.jpg) or of the video of the '
                         f'ground truth ({len(records)} records; '
                         'tools/infer.py lists the frames without a face in '
                         'issues.json)')
    mapping = LabelMapping(classes, truth['classes'])
    rows = {}

    def count(groups: Dict[int, List[dict]], num: int,
              scene_of) -> DetectionCounts:
        counts = DetectionCounts(classes=mapping.shared)
        for i in range(num):
            found = groups.get(i, [])
            scores = np.array([[r['probabilities'][c] for c in classes]
                               for r in found],
                              np.float64).reshape(len(found), len(classes))
            counts.add(scenes[scene_of(i)], [r['box'] for r in found],
                       predicted_classes(mapping, scores), None, iou_thr)
        return counts

    if per_image:
        rows['images'] = count(per_image, len(scenes), lambda i: i)
    if per_frame:
        step = video['frames_per_scene']
        rows['video'] = count(per_frame,
                              len(scenes) * step, lambda i: i // step)
    return rows, mapping, others


def parse_args(argv=None) -> argparse.Namespace:
    parser = docstring_parser(__doc__)
    commands = parser.add_subparsers(dest='command', required=True)
    write = commands.add_parser(
        'write', help='write scene images, ground_truth.json and a video')
    add_face_arguments(write)
    write.add_argument('--out-dir', required=True, help='output folder')
    write.add_argument('--scenes', type=int, default=150)
    write.add_argument('--max-faces', type=int, default=4)
    write.add_argument('--width', type=int, default=640)
    write.add_argument('--height', type=int, default=480)
    write.add_argument('--seed', type=int, default=0)
    write.add_argument(
        '--video', action='store_true', help=f'also write {VIDEO} (mp4v)')
    write.add_argument('--fps', type=float, default=10.)
    write.add_argument(
        '--hold', type=float, default=1., help='seconds per scene')
    score = commands.add_parser(
        'score', help="score tools/infer.py's predictions.json")
    score.add_argument('ground_truth', help=GROUND_TRUTH)
    score.add_argument('predictions', help="tools/infer.py's predictions.json")
    score.add_argument(
        '--iou-thr',
        type=float,
        default=0.4,
        help='smallest IoU of a detection with its true box')
    score.add_argument('--out', help='write the figures to this JSON file')
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.command == 'write':
        faces = load_faces(args.faces_config, args.faces_root)
        scenes = generate_scenes(faces.faces, args.scenes,
                                 np.random.default_rng(args.seed),
                                 args.max_faces, args.width, args.height)
        truth = write_scenes(
            list(scenes),
            args.out_dir,
            dict(
                classes=list(faces.classes),
                faces_from=faces.description,
                seed=args.seed,
                width=args.width,
                height=args.height),
            video=args.video,
            fps=args.fps,
            hold=args.hold)
        num_faces = sum(len(s['faces']) for s in truth['scenes'])
        print(f'wrote {len(truth["scenes"])} scenes with {num_faces} faces '
              f'from {len(faces.faces)} images of {faces.description} to '
              f'{args.out_dir}' +
              (f' and {osp.join(args.out_dir, VIDEO)}' if args.video else ''))
        return truth
    with open(args.ground_truth, encoding='utf-8') as f:
        truth = json.load(f)
    with open(args.predictions, encoding='utf-8') as f:
        records = json.load(f)
    rows, mapping, others = score_predictions(truth, records, args.iou_thr)
    print(f'{args.predictions} against {args.ground_truth} (faces from '
          f'{truth["faces_from"]}); match IoU >= {args.iou_thr}\n'
          f'classes: {mapping.describe()}; records of other files: '
          f'{others}\n')
    print(
        markdown([
            'input', 'images', 'faces', 'excluded (class the model lacks)',
            'recall %', 'FP / image',
            'found and correctly classified / present %',
            'correctly classified / found %'
        ], [[
            name, c.images, c.faces, c.excluded, f'{c.recall:.1f}',
            f'{c.fp_per_image:.2f}', f'{c.accuracy:.1f}',
            f'{c.accuracy_of_found:.1f}'
        ] for name, c in rows.items()]))
    result = dict(
        ground_truth=args.ground_truth,
        predictions=args.predictions,
        iou_thr=args.iou_thr,
        shared_classes=list(mapping.shared),
        model_only=list(mapping.source_only),
        excluded_classes=list(mapping.target_only),
        other_records=others,
        rows={
            name: c.summary()
            for name, c in rows.items()
        })
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w', encoding='utf-8') as f:
            json.dump(result, f, indent=1)
        print(f'\nwrote {args.out}')
    return result
