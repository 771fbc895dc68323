"""Face crops at inference are cut as the training faces were: the config's
``face_crop`` key (margin, grey, size) reaches the test pipeline on every
path (PyTorch, ONNX, photos, videos, the CLI), explicit arguments override
it, bad values are clear errors; an 8-class FERPlus model is tested on a
7-class CK+48-style folder set.

What the test pipeline receives is recorded by wrapping the pipeline that
MMPretrain's inferencer builds (``_init_pipeline``), so the checks see the
crop after all of the inference path's own preparation.
"""
import json
import os.path as osp
from typing import List, Optional

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.apis import ImageClassificationInferencer, get_model

from sqsnet_mm.apis import Face, FaceExpressionInferencer, face_crop_settings
from sqsnet_mm.datasets.emotions import FERPLUS_CLASSES
from ..utils import load_script
from .classifiers import classifier_config

#: The photo's face box (x, y, w, h); no eyes, so no rotation.
BOX = (60, 50, 80, 80)
BOX_FACE = Face(box=BOX)
FER_CROP = dict(margin=0.1, color='grey', size=48)


def write_model(folder, face_crop: Optional[dict] = None,
                classes=FERPLUS_CLASSES):
    """A random-init ResNet classifier (64 px test pipeline), with the
    ``face_crop`` key when given; returns ``(config, checkpoint)``."""
    cfg = classifier_config(len(classes))
    if face_crop is not None:
        cfg.face_crop = face_crop
    torch.manual_seed(0)
    model = get_model(cfg)
    config = osp.join(str(folder), 'model.py')
    cfg.dump(config)
    checkpoint = osp.join(str(folder), 'model.pth')
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(classes=list(classes)))), checkpoint)
    return config, checkpoint


def colour_photo(seed: int = 0) -> np.ndarray:
    """A 200 x 220 BGR photo whose three channels differ everywhere."""
    rng = np.random.default_rng(seed)
    photo = rng.integers(0, 256, (200, 220, 3), dtype=np.uint8)
    photo[..., 0] //= 2
    photo[..., 2] = 255 - photo[..., 2] // 3
    return photo


def fixed_face(image: np.ndarray) -> List[Face]:
    return [BOX_FACE]


def expected_crop(photo: np.ndarray, margin: float, color: str,
                  size: Optional[int]) -> np.ndarray:
    """The crop computed by hand: the square around BOX, inside the
    photo, made grey and resized as asked."""
    x, y, w, h = BOX
    side = int(round(max(w, h) * (1 + 2 * margin)))
    x0, y0 = int(x + w / 2 - side / 2), int(y + h / 2 - side / 2)
    crop = photo[y0:y0 + side, x0:x0 + side]
    if color == 'grey':
        crop = np.repeat(
            cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)[..., None], 3, axis=2)
    if size:
        crop = cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)
    return crop


@pytest.fixture
def pipeline_inputs(monkeypatch) -> List[np.ndarray]:
    """Every image the test pipeline of any inferencer built during the
    test receives, in order."""
    seen = []
    build = ImageClassificationInferencer._init_pipeline

    def recording_pipeline(self, cfg):
        pipeline = build(self, cfg)

        def run(results):
            seen.append(results['img'].copy())
            return pipeline(results)

        return run

    monkeypatch.setattr(ImageClassificationInferencer, '_init_pipeline',
                        recording_pipeline)
    return seen


def run_photo(model, pipeline_inputs, **kwargs):
    inferencer = FaceExpressionInferencer(
        *model, detector=fixed_face, **kwargs)
    photo = colour_photo()
    result = inferencer(photo, progress=False)
    assert len(result['predictions']) == 1 and len(pipeline_inputs) == 1
    return inferencer, photo, pipeline_inputs[0]


def is_grey(image: np.ndarray) -> bool:
    return image.ndim == 3 and image.shape[2] == 3 and np.array_equal(
        image[..., 0], image[..., 1]) and np.array_equal(
            image[..., 0], image[..., 2])


# ------------------------------------------------------------ config key
def test_config_key_makes_grey_crops_with_its_margin_and_size(
        tmp_path, pipeline_inputs):
    inferencer, photo, crop = run_photo(
        write_model(tmp_path, FER_CROP), pipeline_inputs)
    assert crop.shape == (48, 48, 3) and is_grey(crop)
    assert np.abs(crop.astype(int) - expected_crop(photo, **FER_CROP)).max(
    ) <= 1
    # another margin would have given another crop
    assert np.abs(crop.astype(int) - expected_crop(
        photo, 0.2, 'grey', 48)).max() > 10
    settings = inferencer.face_crop
    assert (settings.margin, settings.color, settings.size) == (0.1, 'grey',
                                                                48)
    assert set(settings.origins.values()) == {'config face_crop'}
    assert settings.describe() == (
        'face crops: margin 0.1 (config face_crop), color grey (config '
        'face_crop), size 48 (config face_crop)')


def test_without_the_key_crops_keep_colour_and_size(tmp_path,
                                                    pipeline_inputs):
    inferencer, photo, crop = run_photo(
        write_model(tmp_path), pipeline_inputs)
    assert np.array_equal(crop, expected_crop(photo, 0.2, 'color', None))
    assert crop.shape == (112, 112, 3) and not is_grey(crop)
    assert set(inferencer.face_crop.origins.values()) == {'default'}


def test_partial_key_leaves_the_other_fields_at_their_defaults(
        tmp_path, pipeline_inputs):
    inferencer, photo, crop = run_photo(
        write_model(tmp_path, dict(color='grey')), pipeline_inputs)
    assert np.array_equal(crop, expected_crop(photo, 0.2, 'grey', None))
    assert inferencer.face_crop.origins == dict(
        margin='default', color='config face_crop', size='default')


def test_explicit_arguments_override_the_config(tmp_path, pipeline_inputs):
    inferencer, photo, crop = run_photo(
        write_model(tmp_path, FER_CROP),
        pipeline_inputs,
        margin=0.25,
        color='color',
        crop_size=0)
    assert np.array_equal(crop, expected_crop(photo, 0.25, 'color', None))
    assert inferencer.face_crop.origins == dict.fromkeys(
        ('margin', 'color', 'size'), 'argument')
    # one argument only: the others still come from the config
    settings = face_crop_settings(
        Config(dict(face_crop=FER_CROP)), size=64)
    assert (settings.margin, settings.color, settings.size) == (0.1, 'grey',
                                                                64)
    assert settings.origins['size'] == 'argument'


@pytest.mark.parametrize(
    'face_crop, arguments, message',
    [(dict(margin=-0.1), {}, r"face_crop\.margin=-0\.1 \(from config "
      r'face_crop\): the margin must be a number >= 0'),
     (dict(margin='wide'), {}, r"face_crop\.margin='wide'"),
     (dict(color='rgb'), {}, r"face_crop\.color='rgb' \(from config "
      r"face_crop\): the color must be one of \('color', 'grey'\)"),
     (dict(size=-48), {}, r'face_crop\.size=-48 \(from config'),
     (dict(size=4.5), {}, r'face_crop\.size=4\.5'),
     (dict(colour='grey'), {}, r"unknown fields \['colour'\]"),
     ('grey', {}, r"config key face_crop must be a dict.*got 'grey'"),
     (None, dict(margin=-1), r'face_crop\.margin=-1 \(from argument\)'),
     (None, dict(color='gray'), r"face_crop\.color='gray' \(from argument")])
def test_bad_values_name_the_key_and_the_value(tmp_path, face_crop, arguments,
                                               message):
    config = {} if face_crop is None else dict(face_crop=face_crop)
    with pytest.raises(ValueError, match=message):
        face_crop_settings(config, **arguments)
    # the inferencer refuses them when it is built, before any image
    model = write_model(tmp_path, face_crop)
    with pytest.raises(ValueError, match=message):
        FaceExpressionInferencer(
            *model,
            detector=fixed_face,
            margin=arguments.get('margin'),
            color=arguments.get('color'))


# ------------------------------------------------------------ other paths
def test_video_frames_get_the_same_crops(tmp_path, pipeline_inputs):
    path = str(tmp_path / 'clip.avi')
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), 5,
                             (220, 200))
    frames = [colour_photo(seed) for seed in range(4)]
    for frame in frames:
        writer.write(frame)
    writer.release()
    inferencer = FaceExpressionInferencer(
        *write_model(tmp_path, FER_CROP), detector=fixed_face)
    result = inferencer(path, progress=False)
    assert [r['frame'] for r in result['predictions']] == [0, 1, 2, 3]
    assert len(pipeline_inputs) == 4
    capture = cv2.VideoCapture(path)
    for crop in pipeline_inputs:
        ok, decoded = capture.read()
        assert ok and crop.shape == (48, 48, 3) and is_grey(crop)
        assert np.array_equal(crop,
                              inferencer.prepare_crop(decoded, BOX_FACE)[0])


def test_onnx_model_reads_the_key_from_its_metadata(tmp_path,
                                                    pipeline_inputs):
    pytest.importorskip('onnxruntime')
    model = write_model(tmp_path, FER_CROP)
    onnx_file = str(tmp_path / 'model.onnx')
    assert load_script('tools/deploy/export_onnx.py').main(
        [*model, onnx_file]) == 0
    pipeline_inputs.clear()  # the export's own check images
    photo = colour_photo()
    by_torch = FaceExpressionInferencer(
        *model, detector=fixed_face)(photo, progress=False)['predictions']
    by_onnx_inferencer = FaceExpressionInferencer(
        onnx_file, detector=fixed_face)
    by_onnx = by_onnx_inferencer(photo, progress=False)['predictions']
    assert by_onnx_inferencer.face_crop.origins['color'] == 'config face_crop'
    assert len(pipeline_inputs) == 2
    assert np.array_equal(pipeline_inputs[0], pipeline_inputs[1])
    assert pipeline_inputs[1].shape == (48, 48, 3) and is_grey(
        pipeline_inputs[1])
    assert by_onnx[0]['probabilities'] == pytest.approx(
        by_torch[0]['probabilities'], abs=1e-5)


def test_infer_cli_passes_the_crop_arguments(tmp_path, pipeline_inputs):
    photo = tmp_path / 'photo.png'
    cv2.imwrite(str(photo), colour_photo())
    config, checkpoint = write_model(tmp_path, FER_CROP)
    infer = load_script('tools/infer.py')
    out = tmp_path / 'out'
    common = [
        config,
        str(photo), '--checkpoint', checkpoint, '--out-dir',
        str(out), '--detector', 'whole', '--no-vis', '--no-progress'
    ]
    assert infer.main(common) == 0
    assert pipeline_inputs[-1].shape == (48, 48, 3)
    assert is_grey(pipeline_inputs[-1])
    assert infer.main(
        [*common, '--margin', '0', '--color', 'color', '--crop-size',
         '0']) == 0
    # the whole 220 x 200 photo, square around its centre: 220 px, colour
    assert pipeline_inputs[-1].shape == (220, 220, 3)
    assert not is_grey(pipeline_inputs[-1])
    with pytest.raises(SystemExit):
        infer.main([*common, '--color', 'rgb'])


def test_cross_dataset_8_class_ferplus_model_on_7_class_folders(tmp_path):
    """A FERPlus-order model (neutral ... contempt) on CK+48-style folders
    (48 px grey crops, no neutral): nothing is excluded, neutral can never
    be predicted, the metrics are over the 7 folder classes."""
    folders = ('anger', 'contempt', 'disgust', 'fear', 'happy', 'sadness',
               'surprise')
    rng = np.random.default_rng(3)
    root = tmp_path / 'ckplus'
    for i, name in enumerate(folders):
        (root / name).mkdir(parents=True)
        for j in range(2):
            cv2.imwrite(
                str(root / name / f'S{i:03d}_{j:03d}_00000001.png'),
                rng.integers(0, 256, (48, 48), dtype=np.uint8))
    config, checkpoint = write_model(tmp_path, FER_CROP)
    out = tmp_path / 'out'
    assert load_script('tools/cross_dataset_test.py').main([
        config, checkpoint, '--dataset-type', 'FERFolder', '--data-root',
        str(root), '--out-dir',
        str(out), '--num-workers', '0', '--batch-size', '5'
    ]) == 0
    with open(out / 'cross_dataset.json') as f:
        report = json.load(f)
    assert report['model_classes'] == list(FERPLUS_CLASSES)
    assert report['shared_classes'] == [
        'anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness',
        'surprise'
    ]
    assert report['model_only'] == ['neutral']
    assert report['dataset_only'] == [] and report['excluded'] == {}
    assert report['samples'] == report['evaluated'] == 14
    rows = report['predictions']
    assert all(r['prediction'] in report['shared_classes'] for r in rows)
    assert sorted(r['target'] for r in rows) == sorted(
        report['shared_classes'] * 2)
    accuracy = 100 * np.mean([r['target'] == r['prediction'] for r in rows])
    assert report['metrics']['cross/accuracy'] == pytest.approx(accuracy)
