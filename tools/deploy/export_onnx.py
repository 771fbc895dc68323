"""Export a trained classifier to ONNX; check ONNX Runtime against PyTorch.

Example::

    python tools/deploy/export_onnx.py CONFIG CHECKPOINT model.onnx --check \\
        --check-images /path/to/face/crops

The exported graph is the inference classifier (SQS parts removed), from
normalised images to logits, with a dynamic batch axis. ``--check`` runs
the same preprocessed images (face crops from ``--check-images``, or
generated faces) through PyTorch and ONNX Runtime, at the full batch and at
batch 1, prints the largest absolute logit difference and fails if it
exceeds ``--atol``.
"""
import argparse
import os
import os.path as osp
import sys
from typing import List

import cv2
import numpy as np
import torch
from mmpretrain.apis import ImageClassificationInferencer

from sqsnet_mm.apis import load_pytorch_model, preprocess_crops
from sqsnet_mm.apis.onnx_export import (LogitsModel, deployable_classifier,
                                        export_onnx, onnx_max_abs_diff)
from sqsnet_mm.apis.sources import IMAGE_EXTENSIONS


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('out', help='output .onnx file')
    parser.add_argument('--opset', type=int, default=17, help='ONNX opset')
    parser.add_argument(
        '--check',
        action='store_true',
        help='compare ONNX Runtime and PyTorch logits')
    parser.add_argument(
        '--check-images',
        help='folder of face images for the check (default: generated '
        'faces)')
    parser.add_argument(
        '--num-check', type=int, default=8, help='images in the check')
    parser.add_argument(
        '--atol',
        type=float,
        default=1e-4,
        help='largest allowed absolute logit difference')
    parser.add_argument(
        '--classes',
        nargs='+',
        help='class names (default: checkpoint '
        'meta or config)')
    return parser.parse_args(argv)


def check_images(folder: str, num: int) -> List[np.ndarray]:
    """The first ``num`` images of a folder (sorted, recursive)."""
    paths = sorted(
        osp.join(root, f) for root, _, files in os.walk(folder) for f in files
        if f.lower().endswith(IMAGE_EXTENSIONS))[:num]
    if not paths:
        raise FileNotFoundError(f'no images in {folder}')
    images = [cv2.imread(p, cv2.IMREAD_COLOR) for p in paths]
    unreadable = [p for p, img in zip(paths, images) if img is None]
    if unreadable:
        raise ValueError(f'unreadable images: {unreadable}')
    return images


def generated_faces(num: int) -> List[np.ndarray]:
    """``num`` synthetic faces of all classes (fixed seeds)."""
    from sqsnet_mm.datasets.synthetic import render_face
    return [
        render_face(i % 7, np.random.default_rng([2024, i]), 112)
        for i in range(num)
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    model = load_pytorch_model(args.config, args.checkpoint, 'cpu',
                               args.classes)
    classes = model._dataset_meta['classes']
    classifier = ImageClassificationInferencer(
        model, pretrained=False, classes=list(classes))
    images = check_images(args.check_images, args.num_check) \
        if args.check_images else generated_faces(args.num_check)
    inputs = preprocess_crops(classifier, images)
    deployed = deployable_classifier(model)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    export_onnx(deployed, model._config, classes, args.out,
                tuple(inputs.shape[1:]), args.opset)
    print(f'exported {type(model).__name__} as {type(deployed).__name__} '
          f'to {args.out} (input N x {" x ".join(map(str, inputs.shape[1:]))}'
          f', {len(classes)} classes {list(classes)})')
    if not args.check:
        return 0
    source = args.check_images or 'generated faces'
    diffs = {
        f'batch {len(inputs)}': onnx_max_abs_diff(deployed, args.out, inputs),
        'batch 1': onnx_max_abs_diff(deployed, args.out, inputs[:1]),
    }
    if deployed is not model:
        with torch.no_grad():
            sqs_diff = (LogitsModel(model)(inputs) -
                        LogitsModel(deployed)(inputs)).abs().max().item()
        print('trained model vs deployed model (SQS removed), PyTorch '
              f'logits: max abs diff {sqs_diff:.3e}')
    for name, diff in diffs.items():
        print(f'ONNX Runtime vs PyTorch logits, {name} of {source}: '
              f'max abs diff {diff:.3e}')
    worst = max(diffs.values())
    if worst >= args.atol:
        print(f'FAILED: max abs diff {worst:.3e} >= {args.atol:g}')
        return 1
    print(f'OK: max abs diff {worst:.3e} < {args.atol:g}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
