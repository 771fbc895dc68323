"""The MTCNN face detector (facenet-pytorch's networks and weights) on real
CK+ faces: boxes, scores, landmarks, alignment from the eye landmarks, the
score threshold, its use by the inferencer and the CLI, and the message
when the package is missing."""
import csv
import sys

import cv2
import numpy as np
import pytest

from sqsnet_mm.analysis.detection import box_iou, make_scene
from sqsnet_mm.apis import (DEFAULT_DETECTOR, FaceExpressionInferencer,
                            MTCNNFaceDetector, build_face_detector, crop_face,
                            detector_config, eye_line_angle)


@pytest.fixture(scope='module')
def mtcnn():
    pytest.importorskip(
        'facenet_pytorch',
        reason='facenet-pytorch not installed (pip install --no-deps -r '
        'requirements/nodeps.txt)')
    return build_face_detector('mtcnn')


@pytest.fixture
def scene(ckplus_files):
    """Three upright CK+ faces of 80-160 px on a generated background."""
    faces = [(path, 'x') for path in ckplus_files[::len(ckplus_files) // 3]]
    return make_scene(
        faces[:3],
        np.random.default_rng(3),
        face_sizes=(80, 160),
        max_angle=0,
        occlusion_prob=0)


def test_one_face_with_landmarks_in_each_ckplus_crop(mtcnn, ckplus_files):
    files = ckplus_files[::len(ckplus_files) // 20][:20]
    for path in files:
        faces = mtcnn(cv2.imread(path))
        assert len(faces) == 1, path
        face = faces[0]
        assert face.score > 0.9
        (lx, ly), (rx, ry), (nx, ny), (mlx, mly), (mrx, mry) = face.landmarks
        assert face.eyes == ((lx, ly), (rx, ry))
        assert lx < nx < rx and mlx < mrx  # left to right
        assert max(ly, ry) < ny < min(mly, mry)  # eyes, nose, mouth
        x, y, w, h = face.box
        for px, py in face.landmarks:
            assert x <= px <= x + w and y <= py <= y + h


def test_grey_input_gives_the_same_faces(mtcnn, ckplus_files):
    grey = cv2.imread(ckplus_files[0], cv2.IMREAD_GRAYSCALE)
    faces = mtcnn(grey)
    assert len(faces) == 1
    assert faces == mtcnn(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))


def test_images_smaller_than_the_smallest_face(mtcnn):
    """No face fits: none is returned (MTCNN's own code would fail on the
    empty image pyramid)."""
    for shape in [(19, 19, 3), (8, 8), (1, 500, 3)]:
        assert mtcnn(np.zeros(shape, np.uint8)) == []
    assert mtcnn(np.zeros((20, 20, 3), np.uint8)) == []


def test_eye_landmarks_level_a_rotated_face(mtcnn, ckplus_files):
    """A face turned 25 degrees counter-clockwise: the eye line found by
    MTCNN turns by -25 degrees (image coordinates), and the crop undoes
    it."""

    def paste(angle):
        canvas = np.full((320, 320, 3), 128, np.uint8)
        canvas[80:240,
               80:240] = cv2.resize(cv2.imread(ckplus_files[100]), (160, 160))
        matrix = cv2.getRotationMatrix2D((160, 160), angle, 1.)
        return cv2.warpAffine(
            canvas, matrix, (320, 320), borderValue=(128, 128, 128))

    upright, turned = mtcnn(paste(0)), mtcnn(paste(25))
    assert len(upright) == 1 and len(turned) == 1
    turn = eye_line_angle(turned[0]) - eye_line_angle(upright[0])
    assert turn == pytest.approx(-25, abs=5)
    _, rotation = crop_face(paste(25), turned[0])
    assert rotation == eye_line_angle(turned[0])


def test_every_face_of_a_scene_left_to_right(mtcnn, scene):
    faces = mtcnn(scene.image)
    truths = sorted(face.box for face in scene.faces)
    assert len(faces) == 3
    assert [f.box[0] for f in faces] == sorted(f.box[0] for f in faces)
    for face, truth in zip(faces, truths):
        assert box_iou(face.box, truth) > 0.5, (face.box, truth)


def test_score_threshold(mtcnn, scene):
    """A threshold between the two lowest scores drops exactly the face
    with the lowest score."""
    low = MTCNNFaceDetector(score_thr=0.5)(scene.image)
    scores = sorted(face.score for face in low)
    thr = (scores[0] + scores[1]) / 2
    high = MTCNNFaceDetector(score_thr=thr)(scene.image)
    assert high == [face for face in low if face.score > thr]
    assert len(high) == len(low) - 1
    with pytest.raises(ValueError, match='score_thr must be in'):
        MTCNNFaceDetector(score_thr=1.5)


def test_detector_names_and_options():
    assert DEFAULT_DETECTOR == 'mtcnn'
    assert detector_config('mtcnn', 0.95) == dict(
        type='MTCNNFaceDetector', score_thr=0.95)
    assert detector_config('haar') == dict(type='HaarFaceDetector')
    with pytest.raises(ValueError, match='the haar detector gives no scores'):
        detector_config('haar', 0.9)


def test_missing_package_names_the_install_command(monkeypatch, load_tool,
                                                   make_classifier, tmp_path):
    monkeypatch.setitem(sys.modules, 'facenet_pytorch', None)
    install = r'pip install --no-deps -r requirements/nodeps.txt'
    with pytest.raises(ImportError, match=install):
        build_face_detector('mtcnn')
    config, checkpoint = make_classifier()
    with pytest.raises(ImportError, match=install):
        load_tool('infer').main([
            config,
            str(tmp_path), '--checkpoint', checkpoint, '--out-dir',
            str(tmp_path / 'out')
        ])


def test_inference_records_and_cli(mtcnn, scene, make_classifier, load_tool,
                                   tmp_path):
    config, checkpoint = make_classifier()
    result = FaceExpressionInferencer(config, checkpoint)(
        scene.image, progress=False)
    records = result['predictions']
    assert len(records) == 3
    for record in records:
        assert record['detection_score'] > 0.9
        assert len(record['landmarks']) == 5
        assert record['aligned'] is True
    photo = tmp_path / 'scene.png'
    cv2.imwrite(str(photo), scene.image)
    out = tmp_path / 'out'
    assert load_tool('infer').main([
        config,
        str(photo), '--checkpoint', checkpoint, '--out-dir',
        str(out), '--format', 'csv', '--score-thr', '0.95', '--no-progress'
    ]) == 0
    with open(out / 'predictions.csv') as f:
        rows = list(csv.DictReader(f))
    assert rows
    assert [float(r['detection_score']) for r in rows] == pytest.approx(
        [r['detection_score'] for r in records if r['detection_score'] > 0.95])
