"""Recognise facial expressions in images, folders, videos and cameras.

Examples::

    # config + checkpoint (PyTorch)
    python tools/infer.py CONFIG photos/ --checkpoint CKPT --out-dir out/
    # exported model (ONNX Runtime), a video and a CSV
    python tools/infer.py model.onnx clip.mp4 --out-dir out/ --format csv
    # webcam 0, 300 frames
    python tools/infer.py model.onnx camera:0 --max-frames 300 --out-dir out/
    # stricter MTCNN faces; or OpenCV's Haar cascade
    python tools/infer.py model.onnx photos/ --score-thr 0.99 --out-dir out/
    python tools/infer.py model.onnx photos/ --detector haar --out-dir out/

Faces are found by MTCNN (facenet-pytorch, ``pip install --no-deps -r
requirements/nodeps.txt``) unless ``--detector`` names another detector.
Face crops are cut with the margin, colour and size of the config's
``face_crop`` key (the training faces'; ``--margin``, ``--color`` and
``--crop-size`` override it); the log says which values were used and
where they came from.
Writes ``OUT_DIR/predictions.json`` (or ``.csv``): one record per face
(source, frame, face index, box x/y/w/h, detection score, landmarks, label,
score, all class probabilities); ``OUT_DIR/issues.json``: everything that
gave no record and why (no face, empty or undecodable files, unsupported
pixel types, failed or missing video frames, cameras that cannot be opened,
folders that cannot be listed, skipped files); and annotated images/videos
under ``OUT_DIR/vis/``.
"""
import sys

from sqsnet_mm.apis import (add_detector_arguments, FaceExpressionInferencer,
                            detector_config)
from sqsnet_mm.datasets.transforms.match_face_crop import COLORS
from sqsnet_mm.utils import docstring_parser


def parse_args(argv=None):
    parser = docstring_parser(__doc__)
    parser.add_argument(
        'model', help='model config (.py) or exported model (.onnx)')
    parser.add_argument(
        'inputs',
        nargs='+',
        help='image or video files, folders, or cameras (camera:0)')
    parser.add_argument('--checkpoint', help='checkpoint of the config')
    parser.add_argument(
        '--backend',
        choices=['pytorch', 'onnxruntime'],
        help='default: onnxruntime for .onnx, pytorch for a config')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument(
        '--format',
        choices=['json', 'csv'],
        default='json',
        help='predictions file format')
    add_detector_arguments(parser)
    parser.add_argument(
        '--margin',
        type=float,
        help='context around each face box, fraction of its side '
        "(default: the config's face_crop.margin, else 0.2)")
    parser.add_argument(
        '--color',
        choices=COLORS,
        help="crop colour (default: the config's face_crop.color, else "
        'color)')
    parser.add_argument(
        '--crop-size',
        type=int,
        help='resize crops to this side before the test pipeline, 0: do '
        "not (default: the config's face_crop.size, else 0)")
    parser.add_argument(
        '--no-align',
        action='store_true',
        help='do not rotate faces to level the eyes')
    parser.add_argument(
        '--batch-size', type=int, default=16, help='faces per forward pass')
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:N]')
    parser.add_argument(
        '--classes', nargs='+', help='override the class names')
    parser.add_argument(
        '--max-frames', type=int, help='frame limit per video or camera')
    parser.add_argument(
        '--no-vis',
        action='store_true',
        help='do not write annotated images/videos')
    parser.add_argument(
        '--video-suffix',
        choices=['.mp4', '.avi'],
        default='.mp4',
        help='annotated video container (.mp4: mp4v, .avi: MJPG)')
    parser.add_argument(
        '--no-progress', action='store_true', help='hide the progress bar')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    inferencer = FaceExpressionInferencer(
        args.model,
        args.checkpoint,
        backend=args.backend,
        device=args.device,
        classes=args.classes,
        detector=detector_config(args.detector, args.score_thr),
        margin=args.margin,
        align=not args.no_align,
        color=args.color,
        crop_size=args.crop_size)
    result = inferencer(
        args.inputs,
        batch_size=args.batch_size,
        out_dir=args.out_dir,
        out_format=args.format,
        save_vis=not args.no_vis,
        max_frames=args.max_frames,
        video_suffix=args.video_suffix,
        progress=not args.no_progress)
    summary = result['summary']
    print(f'{summary["faces"]} faces in {summary["frames"]} frames of '
          f'{summary["sources"]} sources; issues: {summary["issues"] or 0}')
    for path in result['files']:
        print(f'wrote {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
