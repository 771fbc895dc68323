"""Class activation maps (Grad-CAM & co.) of the faces in an image.

Example::

    python tools/cam.py CONFIG CHECKPOINT photo.jpg --out-dir cams/ \\
        --target-class happiness

For every detected face (or the one chosen by ``--face-index``) writes
``OUT_DIR/<image>_face<i>_<class>.png``: the face crop as the network sees
it, next to the CAM overlay for the target class (default: the predicted
class), with the class probability in the caption.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np

from sqsnet_mm.apis import (add_detector_arguments, FaceExpressionInferencer,
                            detector_config)
from sqsnet_mm.apis.cam import CAM_METHODS, FaceCAM
from sqsnet_mm.apis.sources import read_image


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('image', help='image file')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument(
        '--target-class',
        help='class name or index (default: the predicted class)')
    parser.add_argument(
        '--face-index', type=int, help='only this face (left to right)')
    parser.add_argument(
        '--method', choices=CAM_METHODS, default='gradcam', help='CAM method')
    parser.add_argument(
        '--target-layers',
        nargs='+',
        help='module names, e.g. backbone.layer4 (default: the backbone '
        'output)')
    add_detector_arguments(parser)
    parser.add_argument(
        '--margin',
        type=float,
        help="default: the config's face_crop.margin, else 0.2")
    parser.add_argument('--no-align', action='store_true')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--classes', nargs='+', help='override class names')
    parser.add_argument(
        '--size', type=int, default=224, help='side of each output panel')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        image = read_image(args.image)
    except ValueError as error:
        raise ValueError(f'{args.image}: {error}') from error
    inferencer = FaceExpressionInferencer(
        args.config,
        args.checkpoint,
        backend='pytorch',
        device=args.device,
        classes=args.classes,
        detector=detector_config(args.detector, args.score_thr),
        margin=args.margin,
        align=not args.no_align)
    faces = inferencer.detector(image)
    if not faces:
        print(f'no face detected in {args.image}')
        return 1
    indices = range(len(faces))
    if args.face_index is not None:
        if not 0 <= args.face_index < len(faces):
            raise ValueError(f'--face-index {args.face_index}: '
                             f'{len(faces)} faces detected')
        indices = [args.face_index]
    target = args.target_class
    if target is not None and target.isdigit():
        target = int(target)
    cam = FaceCAM(inferencer.classifier, args.method, args.target_layers)
    os.makedirs(args.out_dir, exist_ok=True)
    stem = osp.splitext(osp.basename(args.image))[0]
    for i in indices:
        crop, _ = inferencer.prepare_crop(image, faces[i])
        result = cam(crop, target)
        panels = [
            cv2.resize(img, (args.size, args.size))
            for img in (crop, result['overlay'])
        ]
        canvas = np.concatenate(panels, axis=1)
        prob = result['probabilities'][result['target']]
        cv2.putText(canvas, f'{args.method}: {result["target"]} p={prob:.2f}',
                    (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                    cv2.LINE_AA)
        path = osp.join(args.out_dir, f'{stem}_face{i}_{result["target"]}.png')
        if not cv2.imwrite(path, canvas):
            raise OSError(f'cannot write {path}')
        print(f'face {i} box {list(faces[i].box)}: {args.method} for '
              f'{result["target"]} (p={prob:.3f}) -> {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
