"""MatchFaceCrop: a data set's faces made grey and sized as a model's
training crops, the same preparation as the inference path's; inserted by
tools/cross_dataset_test.py when the model config has ``face_crop``, so a
colour set reaches a model trained on grey faces in grey."""
import json

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmpretrain.apis import get_model
from mmpretrain.registry import TRANSFORMS

from sqsnet_mm.apis import Face, face_crop_settings
from sqsnet_mm.datasets import MatchFaceCrop
from ..test_apis.classifiers import classifier_config
from ..utils import load_script

tool = load_script('tools/cross_dataset_test.py')


def colour_face(seed: int = 0, side: int = 100) -> np.ndarray:
    """A BGR face crop whose three channels differ everywhere."""
    rng = np.random.default_rng(seed)
    face = rng.integers(0, 128, (side, side, 3), dtype=np.uint8)
    face[..., 1] += 64
    face[..., 2] = 255 - face[..., 2]
    return face


def is_grey(image: np.ndarray) -> bool:
    return image.ndim == 3 and image.shape[2] == 3 and np.array_equal(
        image[..., 0], image[..., 1]) and np.array_equal(
            image[..., 0], image[..., 2])


def test_grey_and_resized_as_the_inference_crops():
    face = colour_face()
    out = TRANSFORMS.build(dict(type='MatchFaceCrop', color='grey', size=48))(
        dict(img=face.copy(), img_shape=face.shape[:2]))
    expected = cv2.resize(
        cv2.cvtColor(face, cv2.COLOR_BGR2GRAY), (48, 48),
        interpolation=cv2.INTER_AREA)
    assert out['img'].shape == (48, 48, 3) and out['img_shape'] == (48, 48)
    assert is_grey(out['img'])
    np.testing.assert_array_equal(out['img'][..., 0], expected)
    # the inference path prepares a detected face the same way: the whole
    # image as the box, no margin
    settings = face_crop_settings(
        dict(face_crop=dict(margin=0.0, color='grey', size=48)))
    crop, _ = settings.prepare(face, Face(box=(0, 0, 100, 100)), align=False)
    np.testing.assert_array_equal(out['img'], crop)


def test_colour_kept_and_size_none_is_unchanged():
    face = colour_face(1, side=60)
    out = MatchFaceCrop()(dict(img=face.copy()))
    np.testing.assert_array_equal(out['img'], face)
    out = MatchFaceCrop(color='color', size=30)(dict(img=face.copy()))
    assert out['img'].shape == (30, 30, 3) and not is_grey(out['img'])
    described = repr(MatchFaceCrop('grey', 0))
    assert described == "MatchFaceCrop(color='grey', size=None)"


@pytest.mark.parametrize('kwargs, message', [
    (dict(color='gray'), r"color='gray': the color must be one of"),
    (dict(size=-1), r'size=-1: the size must be an integer >= 0'),
    (dict(size=4.5), r'size=4\.5'),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=f'MatchFaceCrop: {message}'):
        MatchFaceCrop(**kwargs)


def test_inserted_after_loading_and_the_face_box():
    cfg = Config(dict(face_crop=dict(color='grey', size=48)))
    pipeline = [
        dict(type='mmpretrain.LoadImageFromFile'),
        dict(type='CropFaceBox', margin=0.1),
        dict(type='Resize', scale=112),
        dict(type='PackInputs')
    ]
    line = tool.match_training_crops(pipeline, cfg)
    assert [step['type'] for step in pipeline] == [
        'mmpretrain.LoadImageFromFile', 'CropFaceBox', 'MatchFaceCrop',
        'Resize', 'PackInputs'
    ]
    assert pipeline[2] == dict(type='MatchFaceCrop', color='grey', size=48)
    assert 'color grey (config face_crop)' in line
    assert 'after CropFaceBox' in line
    # no key: nothing inserted
    plain = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]
    assert tool.match_training_crops(plain, Config(dict())) is None
    assert len(plain) == 2
    with pytest.raises(ValueError, match='no LoadImageFromFile'):
        tool.match_training_crops([dict(type='PackInputs')], cfg)


def write_model(folder, face_crop):
    """A random-init 7-class classifier (64 px test pipeline), with the
    ``face_crop`` key when given; returns ``(config, checkpoint)``."""
    classes = ('anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise',
               'neutral')
    cfg = classifier_config(len(classes))
    if face_crop is not None:
        cfg.face_crop = face_crop
    torch.manual_seed(0)
    model = get_model(cfg)
    config, checkpoint = folder / 'model.py', folder / 'model.pth'
    cfg.dump(str(config))
    torch.save(
        dict(
            state_dict=model.state_dict(),
            meta=dict(dataset_meta=dict(classes=list(classes)))),
        str(checkpoint))
    return str(config), str(checkpoint)


@pytest.mark.parametrize('face_crop', [dict(color='grey', size=48), None])
def test_cross_dataset_feeds_colour_faces_grey(tmp_path, monkeypatch, capsys,
                                               face_crop):
    """A colour folder set on a model trained on grey 48 px faces: the
    images that leave the loading steps are grey 48 px; without the key
    they stay the colour 100 px faces."""
    root = tmp_path / 'faces'
    for i, name in enumerate(('happy', 'sad')):
        (root / name).mkdir(parents=True)
        for j in range(2):
            cv2.imwrite(str(root / name / f'{j}.png'), colour_face(2 * i + j))
    seen = []
    transform = MatchFaceCrop.transform

    def recording(self, results):
        results = transform(self, results)
        seen.append(results['img'].copy())
        return results

    monkeypatch.setattr(MatchFaceCrop, 'transform', recording)
    config, checkpoint = write_model(tmp_path, face_crop)
    out = tmp_path / 'out'
    assert tool.main([
        config, checkpoint, '--dataset-type', 'FERFolder', '--data-root',
        str(root), '--dataset-options', 'split=all', '--out-dir',
        str(out), '--num-workers', '0'
    ]) == 0
    log = capsys.readouterr().out
    with open(out / 'cross_dataset.json') as f:
        assert json.load(f)['evaluated'] == 4
    if face_crop is None:
        assert seen == [] and 'MatchFaceCrop' not in log
        return
    assert len(seen) == 4
    assert all(img.shape == (48, 48, 3) and is_grey(img) for img in seen)
    assert ("the data set images get MatchFaceCrop(color='grey', size=48) "
            'after LoadImageFromFile') in log
