"""The detection benchmark: scene synthesis, box matching and counting
(``sqsnet_mm.analysis.detection``), and the benchmark
(``sqsnet_mm.analysis.detection_benchmark``) end to end on CK+."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmpretrain.apis import get_model

from sqsnet_mm.analysis.detection import (DetectionCounts, Scene, SceneFace,
                                          box_iou, face_mask, make_scene,
                                          match_boxes)
from sqsnet_mm.analysis.detection_benchmark import true_face
from sqsnet_mm.apis import crop_face, load_config
from sqsnet_mm.datasets.synthetic import render_face

from ..utils import REPO_ROOT



def test_box_iou():
    assert box_iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1
    assert box_iou((0, 0, 10, 10), (10, 0, 10, 10)) == 0
    assert box_iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(1 / 3)
    # a gap of 10% grows the first box to (-1, -1, 12, 12)
    assert box_iou((0, 0, 10, 10), (10, 0, 10, 10), gap=0.1) > 0


def test_match_boxes_is_greedy_and_one_to_one():
    truths = [(0, 0, 100, 100), (120, 0, 100, 100)]
    detections = [
        (10, 0, 100, 100),  # IoU 0.82 with face 0
        (55, 0, 100, 100),  # IoU 0.29 with face 0, 0.21 with face 1
        (0, 15, 100, 100),  # IoU 0.74 with face 0: a duplicate
        (115, 5, 100, 100),  # IoU 0.86 with face 1
    ]
    assert match_boxes(detections, truths) == [0, 3]
    assert match_boxes(detections[1:2], truths) == [None, None]
    assert match_boxes(detections[1:2], truths, iou_thr=0.2) == [0, None]


def test_detection_counts():
    faces = [
        SceneFace((0, 0, 100, 100), 'happiness', 'a.png', angle=40),
        SceneFace((200, 0, 50, 50), 'anger', 'b.png', occlusion='left')
    ]
    scene = Scene(np.zeros((300, 300, 3), np.uint8), faces)
    counts = DetectionCounts()
    counts.add(scene, [(5, 5, 100, 100), (150, 150, 40, 40)],
               ['happiness', 'anger'], 0.2)
    counts.add(scene, [(0, 0, 100, 100), (200, 0, 50, 50)],
               ['sadness', 'anger'], 0.4)
    assert (counts.faces, counts.found, counts.false_positives, counts.correct,
            counts.images) == (4, 3, 1, 2, 2)
    assert counts.recall == 75 and counts.fp_per_image == 0.5
    assert counts.accuracy == 50 and counts.seconds == [0.2, 0.4]
    assert counts.found_by['size < 64 px'] == [1, 2]
    assert counts.found_by['|angle| >= 30'] == [2, 2]
    assert counts.found_by['occluded'] == [1, 2]


@pytest.fixture
def crops(tmp_path):
    files = []
    for i in range(4):
        path = str(tmp_path / f'face{i}.png')
        cv2.imwrite(path, render_face(i, np.random.default_rng(i), 48))
        files.append((path, f'class{i}'))
    return files


def test_make_scene_places_faces_where_it_says(crops):
    scene = make_scene(
        crops, np.random.default_rng(0), max_angle=0, occlusion_prob=0)
    again = make_scene(
        crops, np.random.default_rng(0), max_angle=0, occlusion_prob=0)
    np.testing.assert_array_equal(scene.image, again.image)
    assert scene.image.shape == (480, 640, 3)
    assert [f.label for f in scene.faces] == [c[1] for c in crops]
    for i, face in enumerate(scene.faces):
        x, y, side, _ = face.box
        assert 40 <= side <= 200 and side == face.box[3]
        assert 0 <= x <= 640 - side and 0 <= y <= 480 - side
        for other in scene.faces[i + 1:]:
            assert box_iou(face.box, other.box) == 0
        # inside the mask's opaque core the scene is the (mirrored) face
        crop = cv2.imread(face.path)
        crop = crop[:, ::-1] if face.mirrored else crop
        expected = cv2.resize(
            crop, (side, side), interpolation=cv2.INTER_CUBIC)
        core = face_mask(side) == 1
        pasted = scene.image[y:y + side, x:x + side]
        np.testing.assert_array_equal(pasted[core], expected[core])


def test_make_scene_refuses_faces_that_do_not_fit(crops):
    with pytest.raises(ValueError, match='no free place for a'):
        make_scene(
            crops,
            np.random.default_rng(0),
            width=250,
            height=250,
            face_sizes=(200, 200),
            max_tries=20)


def test_true_angle_alignment_levels_the_face():
    """The reference row's eyes make crop_face undo a paste's rotation."""
    face = SceneFace((10, 20, 100, 100), 'x', 'x.png', angle=30)
    image = np.zeros((200, 200, 3), np.uint8)
    _, rotation = crop_face(image, true_face(face, aligned=True))
    assert rotation == pytest.approx(-30)
    assert true_face(face, aligned=False).eyes is None


def test_tool_on_ckplus_scenes(ckplus_root, ckplus_files, load_tool, tmp_path,
                               capsys):
    """Two scenes from CK+ fold 0 of 5, a random-init ResNet-18."""
    pytest.importorskip('facenet_pytorch', reason='facenet-pytorch absent')
    # the benchmark's config, reading the faces where the tests found them
    config = str(tmp_path / 'resnet18_ckplus.py')
    base = osp.join(REPO_ROOT,
                    'configs/resnet/resnet18_1xb32-300it_ckplus-64px.py')
    with open(config, 'w') as f:
        f.write(f'_base_ = [{base!r}]\n'
                f'test_dataloader = dict(dataset=dict(data_root='
                f'{ckplus_root!r}))\n')
    cfg = load_config(config)
    torch.manual_seed(0)
    checkpoint = str(tmp_path / 'resnet18.pth')
    torch.save(
        dict(
            state_dict=get_model(cfg).state_dict(),
            meta=dict(
                dataset_meta=dict(
                    classes=list(cfg.test_dataloader.dataset.classes)))),
        checkpoint)
    out = tmp_path / 'detection.json'
    tool = load_tool('analysis_tools/detection_benchmark')
    assert tool.main([
        config, checkpoint, '--scenes', '2', '--detectors', 'haar', 'mtcnn',
        '--score-thrs', '0.9', '0.99', '--out',
        str(out)
    ]) == 0
    result = json.loads(out.read_text())
    assert list(result['rows']) == [
        'haar', 'mtcnn (score > 0.9)', 'mtcnn (score > 0.99)',
        'true boxes, unrotated', 'true boxes, rotated by the true angle'
    ]
    faces = {row['faces'] for row in result['rows'].values()}
    assert len(faces) == 1 and faces.pop() >= 2
    high, low = (result['rows'][f'mtcnn (score > {t})'] for t in (0.99, 0.9))
    assert high['found'] <= low['found']
    for row in result['rows'].values():
        assert row['correct'] <= row['found'] <= row['faces']
    assert 'split=test, test fold 0 of 5 subject folds' in result['split']
    assert '| haar |' in capsys.readouterr().out
