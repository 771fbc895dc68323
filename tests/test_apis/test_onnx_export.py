"""ONNX export: parity with PyTorch (dynamic batch), SQS removal, metadata,
and inference through the ONNX Runtime back-end."""
import json
import os.path as osp
import re

import onnx
import pytest
import torch
from mmengine.config import Config
from mmpretrain.apis import get_model

from sqsnet_mm.apis import FaceExpressionInferencer, load_pytorch_model
from sqsnet_mm.apis.onnx_export import (deployable_classifier,
                                        onnx_max_abs_diff, traceable_swin)
from sqsnet_mm.datasets.emotions import RAFDB_CLASSES
from ..utils import REPO_ROOT, load_script
from .classifiers import PIPELINE
from .test_face_inferencer import generated_face, write_resnet_model

export_tool = load_script('tools/deploy/export_onnx.py')


def reported_diffs(text: str):
    return [float(d) for d in re.findall(r'max abs diff ([0-9.e+-]+)', text)]


@pytest.mark.parametrize('real_faces', [False, True],
                         ids=['generated', 'ckplus48'])
def test_export_resnet_parity_and_onnx_backend(tmp_path, capsys, request,
                                               real_faces):
    images = osp.join(request.getfixturevalue('ckplus_root'),
                      'happy') if real_faces else None
    config, checkpoint = write_resnet_model(str(tmp_path))
    out = str(tmp_path / 'model.onnx')
    args = [config, checkpoint, out, '--check', '--num-check', '6']
    if images:
        args += ['--check-images', images]
    assert export_tool.main(args) == 0
    printed = capsys.readouterr().out
    diffs = reported_diffs(printed)
    assert len(diffs) == 3 and max(diffs) < 1e-4, printed  # batch 6, 1, max
    assert (images or 'generated faces') in printed

    graph = onnx.load(out)
    batch_dim = graph.graph.input[0].type.tensor_type.shape.dim[0]
    assert batch_dim.dim_param == 'batch'  # dynamic batch axis
    meta = {p.key: p.value for p in graph.metadata_props}
    assert json.loads(meta['classes']) == list(RAFDB_CLASSES)

    faces = [generated_face(i % 7, i) for i in range(5)]
    by_torch = FaceExpressionInferencer(
        config, checkpoint, detector='whole')(
            faces, batch_size=4, progress=False)['predictions']
    by_onnx = FaceExpressionInferencer(
        out, detector='whole')(
            faces, batch_size=3, progress=False)['predictions']
    assert len(by_onnx) == 5
    for a, b in zip(by_torch, by_onnx):
        assert a['label'] == b['label']
        assert a['probabilities'] == pytest.approx(
            b['probabilities'], abs=1e-5)
    with pytest.raises(ValueError, match='holds its weights'):
        FaceExpressionInferencer(out, checkpoint)


def test_export_sqsnet_removes_sqs_and_keeps_swin_batches_dynamic(tmp_path):
    """The tiny SQSNet (EfficientNet + Swin + cross-attention, SQS neck and
    enhanced head): the ONNX graph has no SQS weight, and its logits match
    PyTorch's at batch sizes other than the traced one (MMPretrain's Swin
    needs :func:`traceable_swin` for that)."""
    cfg = Config(
        dict(
            _base_=[osp.join(REPO_ROOT, 'configs/_base_/models/sqsnet_tiny.py')],
            custom_imports=dict(imports=['sqsnet_mm']),
            default_scope='mmpretrain',
            test_dataloader=dict(
                dataset=dict(
                    type='CustomDataset', data_root='', pipeline=PIPELINE))))
    config = str(tmp_path / 'tiny.py')
    cfg.dump(config)
    torch.manual_seed(0)
    trained = get_model(config)
    assert type(trained).__name__ == 'QuadImageClassifier'
    checkpoint = str(tmp_path / 'tiny.pth')
    torch.save(
        dict(
            state_dict=trained.state_dict(),
            meta=dict(dataset_meta=dict(classes=list(RAFDB_CLASSES)))),
        checkpoint)
    out = str(tmp_path / 'tiny.onnx')
    assert export_tool.main([config, checkpoint, out, '--num-check', '2']) == 0
    names = [init.name for init in onnx.load(out).graph.initializer]
    assert not any('sqs' in n or 'enhanced' in n for n in names)

    model = load_pytorch_model(config, checkpoint)
    deployed = deployable_classifier(model)
    assert type(deployed).__name__ == 'ImageClassifier'
    for batch in (1, 3):  # the tool traced batch 2
        assert onnx_max_abs_diff(deployed, out, torch.randn(batch, 3, 64,
                                                            64)) < 1e-4


def test_traceable_swin_restores_mmpretrain():
    from mmpretrain.models.utils.attention import ShiftWindowMSA
    original = ShiftWindowMSA.__dict__['window_reverse']
    windows = torch.randn(3 * 4, 2, 2, 5)  # batch 3, 4 windows of 2 x 2
    expected = ShiftWindowMSA.window_reverse(windows, 4, 4, 2)
    with traceable_swin():
        assert ShiftWindowMSA.__dict__['window_reverse'] is not original
        torch.testing.assert_close(
            ShiftWindowMSA.window_reverse(windows, 4, 4, 2), expected)
    assert ShiftWindowMSA.__dict__['window_reverse'] is original
