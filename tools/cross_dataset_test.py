"""Test a model on a data set with another label order (cross-data-set).

Examples::

    # RAF-DB model (7 classes) on the FERPlus test set (8 classes)
    python tools/cross_dataset_test.py CONFIG CKPT \\
        --dataset-config configs/_base_/datasets/ferplus.py \\
        --data-root data/ferplus --out-dir work_dirs/raf2ferplus
    # on a folder-per-class set (CK+), without a data set config
    python tools/cross_dataset_test.py CONFIG CKPT --dataset-type FERFolder \\
        --data-root data/ckplus48

Classes are matched by canonical emotion name (``LabelMapping``): samples
of classes the model lacks are excluded and counted per class, the model's
scores are restricted to the shared classes and renormalised, and the
metrics (``FERMetric``: accuracy, macro/weighted F1, balanced accuracy,
per-class F1) are computed over the shared classes in the data set's
order. Images go through the *model's* test pipeline (``--pipeline
dataset`` keeps the data set config's one). When the model config has a
``face_crop`` key (a model trained on 48 px grey faces, e.g. FERPlus), the
model's pipeline gets ``MatchFaceCrop`` with its colour and size after
loading, so that a colour set such as RAF-DB reaches the model as its
training faces did; the log says so.
"""
import copy
import json
import os
import os.path as osp
import sys
from collections import Counter
from typing import List, Optional

import torch
from mmengine.config import DictAction
from mmengine.dataset import default_collate
from mmengine.registry import DefaultScope
from mmpretrain.registry import DATASETS
from mmpretrain.utils import track
from torch.utils.data import DataLoader

from sqsnet_mm.apis import (FACE_CROP_KEY, face_crop_settings, load_config,
                            load_pytorch_model)
from sqsnet_mm.apis.label_mapping import LabelMapping
from sqsnet_mm.evaluation import FERMetric
from sqsnet_mm.utils import docstring_parser


def parse_args(argv=None):
    parser = docstring_parser(__doc__)
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument(
        '--dataset-config',
        help='config whose test_dataloader.dataset is the target set')
    target.add_argument(
        '--dataset-type', help='registered data set type, e.g. FERFolder')
    parser.add_argument('--data-root', help='data root of the target set')
    parser.add_argument('--split', help='split of the target set')
    parser.add_argument(
        '--dataset-options',
        nargs='+',
        action=DictAction,
        default={},
        help='more data set arguments, key=value (e.g. num_folds=10 fold=0)')
    parser.add_argument(
        '--pipeline',
        choices=['model', 'dataset'],
        default='model',
        help='test pipeline of the model config (default) or of the data '
        'set config')
    parser.add_argument('--classes', nargs='+', help='model class names')
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--num-workers', type=int, default=2)
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--out-dir',
        help='write cross_dataset.json, metrics JSON and confusion matrix')
    return parser.parse_args(argv)


def match_training_crops(pipeline: List[dict], model_cfg) -> Optional[str]:
    """Insert ``MatchFaceCrop`` with the colour and size of the model
    config's ``face_crop`` key into ``pipeline``, after its loading steps
    (``LoadImageFromFile`` and any ``CropFaceBox`` right after it).

    Args:
        pipeline (list[dict]): A test pipeline, changed in place.
        model_cfg (Config): The model's config.

    Returns:
        str, optional: What was inserted, for the log; None (and nothing
        inserted) when the config has no ``face_crop`` key.
    """
    if model_cfg.get(FACE_CROP_KEY) is None:
        return None
    settings = face_crop_settings(model_cfg)
    types = [str(step.get('type')).split('.')[-1] for step in pipeline]
    if 'LoadImageFromFile' not in types:
        raise ValueError(
            f'the model config has {FACE_CROP_KEY}, but its test pipeline '
            f'{types} has no LoadImageFromFile to place MatchFaceCrop after')
    index = types.index('LoadImageFromFile') + 1
    while index < len(types) and types[index] == 'CropFaceBox':
        index += 1
    pipeline.insert(
        index,
        dict(type='MatchFaceCrop', color=settings.color, size=settings.size))
    return (f'{settings.describe()}: the data set images get '
            f'MatchFaceCrop(color={settings.color!r}, size={settings.size}) '
            f'after {types[index - 1]}; the margin does not apply (they are '
            'cut faces already)')


def target_dataset_cfg(args, model_cfg) -> dict:
    """The target data set config from the arguments."""
    if args.dataset_config:
        cfg = load_config(args.dataset_config)
        if 'test_dataloader' not in cfg:
            raise KeyError(f'{args.dataset_config} has no test_dataloader')
        dataset = copy.deepcopy(cfg.test_dataloader.dataset.to_dict())
    else:
        dataset = dict(type=args.dataset_type)
    if args.pipeline == 'model' or 'pipeline' not in dataset:
        dataset['pipeline'] = copy.deepcopy(
            model_cfg.test_dataloader.dataset.pipeline)
        matched = match_training_crops(dataset['pipeline'], model_cfg)
        if matched:
            print(matched)
    elif model_cfg.get(FACE_CROP_KEY) is not None:
        print(f'--pipeline dataset: the model config\'s {FACE_CROP_KEY} is '
              'not applied')
    for key, value in (('data_root', args.data_root), ('split', args.split)):
        if value is not None:
            dataset[key] = value
    dataset.update(args.dataset_options)
    return dataset


def main(argv=None) -> int:
    args = parse_args(argv)
    model = load_pytorch_model(args.config, args.checkpoint, args.device,
                               args.classes)
    dataset_cfg = target_dataset_cfg(args, model._config)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(dataset_cfg)
    target_classes = dataset.metainfo.get('classes')
    if not target_classes:
        raise ValueError(f'the data set {dataset_cfg["type"]} has no class '
                         'names (metainfo["classes"])')
    mapping = LabelMapping(model._dataset_meta['classes'], target_classes)
    print(f'model classes {list(mapping.source)}\n'
          f'data set classes {list(mapping.target)}\n{mapping.describe()}')

    metric = FERMetric(out_dir=args.out_dir, prefix='cross')
    metric.dataset_meta = dict(classes=list(mapping.shared))
    excluded, predicted_unshared, rows = Counter(), Counter(), []
    loader = DataLoader(
        dataset,
        batch_size=args.batch_size,
        num_workers=args.num_workers,
        collate_fn=default_collate)
    for data in track(loader, 'Cross-data-set test', len(loader)):
        with torch.no_grad():
            samples = model.test_step(data)
        for sample in samples:
            gt = int(sample.gt_label[0])
            shared_gt = int(mapping.target_to_shared[gt])
            if shared_gt < 0:
                excluded[mapping.target[gt]] += 1
                continue
            raw = sample.pred_score.cpu().numpy()
            top = mapping.source[int(raw.argmax())]
            if top in mapping.source_only:
                predicted_unshared[top] += 1
            scores = torch.from_numpy(mapping.map_scores(raw))
            metric.process(
                None,
                [dict(pred_score=scores, gt_label=torch.tensor([shared_gt]))])
            rows.append(
                dict(
                    img_path=sample.get('img_path'),
                    target=mapping.shared[shared_gt],
                    prediction=mapping.shared[int(scores.argmax())],
                    unrestricted_prediction=top))
    if not rows:
        raise ValueError(f'no sample of a shared class; excluded: '
                         f'{dict(excluded)}')
    metrics = metric.evaluate(len(rows))
    total = len(rows) + sum(excluded.values())
    print(f'{total} samples: {len(rows)} evaluated, '
          f'{sum(excluded.values())} excluded (classes the model lacks: '
          f'{dict(excluded) or "none"})')
    if predicted_unshared:
        print(
            'before restriction to the shared classes, the model chose a '
            f'class the data set lacks for {sum(predicted_unshared.values())}'
            f' evaluated samples: {dict(predicted_unshared)}')
    for key, value in metrics.items():
        print(f'{key}: {value:.2f}')
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        path = osp.join(args.out_dir, 'cross_dataset.json')
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(
                dict(
                    model_classes=list(mapping.source),
                    dataset_classes=list(mapping.target),
                    shared_classes=list(mapping.shared),
                    model_only=list(mapping.source_only),
                    dataset_only=list(mapping.target_only),
                    samples=total,
                    evaluated=len(rows),
                    excluded=dict(excluded),
                    unrestricted_unshared_predictions=dict(predicted_unshared),
                    metrics=metrics,
                    predictions=rows),
                f,
                indent=1)
        print(f'wrote {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
