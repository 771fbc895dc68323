"""Test-time augmentation views of the default runtime."""
import numpy as np
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.registry import TRANSFORMS

import sqsnet_mm  # noqa: F401
from sqsnet_mm.engine import build_tta_pipeline

RUNTIME = 'configs/_base_/default_runtime.py'


def test_tta_views_of_default_runtime():
    init_default_scope('mmpretrain')
    cfg = Config.fromfile(RUNTIME)
    assert cfg.tta_model.type == 'AverageClsScoreTTA'
    test_pipeline = [
        dict(type='LoadImageFromNDArray'),
        dict(type='Resize', scale=32),
        dict(type='PackInputs')
    ]
    pipeline = build_tta_pipeline(test_pipeline, cfg.tta_views)
    assert pipeline[:2] == test_pipeline[:2]
    assert len(pipeline[-1]['transforms'][0]) == 5
    img = np.zeros((32, 32, 3), np.uint8)
    img[:, 8] = 255  # a vertical line at x=8
    img[8, :] = 255  # a horizontal line at y=8
    results = TRANSFORMS.build(pipeline[1])(dict(img=img))
    tta = TRANSFORMS.build(pipeline[-1])(results)
    views = [x.numpy()[0] for x in tta['inputs']]
    assert len(views) == 5 and all(v.shape == (32, 32) for v in views)
    cols = [int(np.argmax(v[16])) for v in views]  # row 16 crosses x-line
    rows = [int(np.argmax(v[:, 20])) for v in views]  # column 20: y-line
    assert cols == [8, 23, 6, 10, 8]  # unchanged, mirrored, 1/16 shifts
    assert rows == [8, 8, 8, 8, 6]  # the fifth view is shifted up
    assert views[3][:, :2].min() == 128  # grey fill of the uncovered border
