"""Face inference end to end: detection, alignment, classification records,
annotated outputs, videos, the CLI, CAMs, label mapping and the cross-data-
set tool.

Models are random-init ResNet-18s (16 base channels, 64 px): the tests
check the plumbing (faces found, one record per face, probabilities, files,
reported failures), not the accuracy. Real faces are the CK+ crops of
``data/ckplus48`` (the ``ckplus_root`` fixture); generated faces
come from ``sqsnet_mm.datasets.synthetic.render_face``.
"""
import csv
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmpretrain.apis import get_model

from sqsnet_mm.apis import (Face, FaceExpressionInferencer, HaarFaceDetector,
                            WholeImageDetector, build_face_detector,
                            collect_sources, crop_face, load_config,
                            resolve_classes)
from sqsnet_mm.apis.cam import FaceCAM
from sqsnet_mm.apis.label_mapping import LabelMapping
from sqsnet_mm.datasets.emotions import FERPLUS_CLASSES, RAFDB_CLASSES
from sqsnet_mm.datasets.synthetic import render_face
from ..utils import load_script
from .classifiers import classifier_config


def write_resnet_model(folder: str,
                       classes=RAFDB_CLASSES,
                       meta_classes=True,
                       seed=0):
    """A random-init ResNet-18 classifier config + checkpoint.

    Returns:
        tuple: ``(config_path, checkpoint_path)``.
    """
    cfg = classifier_config(len(classes))
    torch.manual_seed(seed)
    model = get_model(cfg)
    config_path = osp.join(folder, 'resnet18_fer.py')
    cfg.dump(config_path)
    meta = dict(dataset_meta=dict(classes=list(classes))) \
        if meta_classes else {}
    checkpoint = osp.join(folder, 'resnet18_fer.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=meta), checkpoint)
    return config_path, checkpoint


@pytest.fixture(scope='module')
def resnet(tmp_path_factory):
    return write_resnet_model(str(tmp_path_factory.mktemp('model')))


@pytest.fixture(scope='module')
def inferencer(resnet):
    return FaceExpressionInferencer(*resnet)


def generated_face(label: int, seed: int, size: int = 112) -> np.ndarray:
    return render_face(label, np.random.default_rng([77, seed]), size)


def ckplus_files(ckplus_root: str, num: int):
    files = sorted(
        osp.join(root, f)
        for root, _, names in os.walk(ckplus_root) for f in names
        if f.endswith('.png'))
    return files[::len(files) // num][:num]


def ckplus_photo(files, face=120):
    """A grey 'photo' with CK+ faces pasted side by side; returns the image
    and the pasted boxes (x, y, w, h)."""
    canvas = np.full((face + 80, 50 + len(files) * (face + 50), 3), 128,
                     np.uint8)
    boxes = []
    for i, path in enumerate(files):
        x, y = 40 + i * (face + 50), 40
        canvas[y:y + face, x:x + face] = cv2.resize(
            cv2.imread(path), (face, face), interpolation=cv2.INTER_CUBIC)
        boxes.append((x, y, face, face))
    return canvas, boxes


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    return w * h / (aw * ah + bw * bh - w * h)


def check_records(records, classes):
    for r in records:
        probs = r['probabilities']
        assert list(probs) == list(classes)
        assert sum(probs.values()) == pytest.approx(1, abs=1e-5)
        assert all(0 <= p <= 1 for p in probs.values())
        assert r['label'] == max(probs, key=probs.get)
        assert r['score'] == probs[r['label']]


# --------------------------------------------------------------- detection
def test_haar_finds_one_face_in_each_48px_ckplus_crop(ckplus_root):
    detector = HaarFaceDetector()
    files = ckplus_files(ckplus_root, 20)
    counts = [len(detector(cv2.imread(f))) for f in files]
    assert counts == [1] * 20, dict(zip(files, counts))


def test_haar_finds_every_face_of_a_ckplus_group_photo(ckplus_root):
    photo, boxes = ckplus_photo(ckplus_files(ckplus_root, 3))
    faces = HaarFaceDetector()(photo)
    assert len(faces) == 3
    for face, box in zip(faces, boxes):  # sorted left to right
        assert iou(face.box, box) > 0.6, (face.box, box)


def test_detector_registry_and_errors():
    assert isinstance(build_face_detector('whole'), WholeImageDetector)
    haar = build_face_detector(dict(type='haar', min_neighbors=7))
    assert isinstance(haar, HaarFaceDetector) and haar.min_neighbors == 7
    with pytest.raises(KeyError, match='unknown face detector'):
        build_face_detector('retina')
    with pytest.raises(FileNotFoundError, match='cascade'):
        HaarFaceDetector(face_cascade='/nonexistent.xml')
    assert WholeImageDetector()(np.zeros((30, 40, 3),
                                         np.uint8))[0].box == (0, 0, 40, 30)


# --------------------------------------------------------------- alignment
def test_crop_face_levels_the_eye_line():
    image = np.zeros((200, 200, 3), np.uint8)
    left, right = (80., 90.), (120., 104.56)  # eye line tilted by 20 deg
    cv2.circle(image, (80, 90), 3, (255, 0, 0), -1)  # blue: left eye
    cv2.circle(image, (120, 105), 3, (0, 0, 255), -1)  # red: right eye
    face = Face(box=(60, 60, 80, 80), eyes=(left, right))
    crop, angle = crop_face(image, face, margin=0.25, align=True)
    assert crop.shape == (120, 120, 3)
    assert angle == pytest.approx(20, abs=0.1)

    def centre(channel):
        ys, xs = np.nonzero(crop[..., channel] > 128)
        return xs.mean(), ys.mean()

    (bx, by), (rx, ry) = centre(0), centre(2)
    assert abs(by - ry) < 1.5  # level after alignment
    assert bx < rx
    # without alignment the crop is the box plus the margin, unrotated
    crop, angle = crop_face(image, face, margin=0.25, align=False)
    assert angle == 0
    np.testing.assert_array_equal(crop, image[40:160, 40:160])


def test_ckplus_style_crop_gets_eyes_and_alignment():
    image = generated_face(3, 0)
    faces = HaarFaceDetector()(image)
    assert len(faces) == 1 and faces[0].eyes is not None
    _, angle = crop_face(image, faces[0])
    assert abs(angle) <= 30


# ------------------------------------------------------------ end to end
def test_folder_with_group_photo_and_bad_files(inferencer, tmp_path,
                                               ckplus_root):
    photo, boxes = ckplus_photo(ckplus_files(ckplus_root, 3))
    inputs = tmp_path / 'photos'
    (inputs / 'sub').mkdir(parents=True)
    cv2.imwrite(str(inputs / 'group.jpg'), photo)
    cv2.imwrite(
        str(inputs / 'sub' / 'empty.png'), np.full((120, 160, 3), 200,
                                                   np.uint8))
    (inputs / 'broken.jpg').write_bytes(b'not a jpeg')
    (inputs / 'notes.txt').write_text('x')
    out = tmp_path / 'out'
    result = inferencer(str(inputs), out_dir=str(out), progress=False)

    records = result['predictions']
    assert [r['face'] for r in records] == [0, 1, 2]
    assert {r['source'] for r in records} == {str(inputs / 'group.jpg')}
    for r, box in zip(records, boxes):
        assert iou(r['box'], box) > 0.6
        assert r['frame'] is None
    check_records(records, RAFDB_CLASSES)
    problems = {
        osp.basename(i['source']): i['problem']
        for i in result['issues']
    }
    assert problems == {
        'empty.png': 'no face detected',
        'broken.jpg': 'unreadable image file (OpenCV cannot decode it)',
        'notes.txt': 'unsupported file extension'
    }
    assert result['summary']['faces'] == 3
    assert result['summary']['frames'] == 3
    vis = cv2.imread(str(out / 'vis' / 'group.png'))
    assert vis.shape == photo.shape and not np.array_equal(vis, photo)
    assert (out / 'vis' / 'sub' / 'empty.png').is_file()
    with open(out / 'predictions.json') as f:
        assert json.load(f) == records
    with open(out / 'issues.json') as f:
        assert len(json.load(f)) == 3


def test_generated_faces_with_whole_image_detector(resnet, tmp_path):
    """Pre-cropped generated faces, given as arrays, through the 'whole
    image is the face' detector; batches span images."""
    inferencer = FaceExpressionInferencer(*resnet, detector='whole')
    faces = [generated_face(i % 7, i) for i in range(5)]
    result = inferencer(faces, batch_size=2, progress=False)
    records = result['predictions']
    assert len(records) == 5 and not result['issues']
    assert all(r['box'] == [0, 0, 112, 112] for r in records)
    check_records(records, RAFDB_CLASSES)
    # batching does not change the scores
    single = inferencer(faces[3], batch_size=1, progress=False)
    assert single['predictions'][0]['probabilities'] == pytest.approx(
        records[3]['probabilities'], abs=1e-6)


def test_video_with_a_frame_that_fails_to_decode(resnet, tmp_path):
    """Six generated frames in an MJPG AVI; the JPEG payload of frame 3 is
    zeroed so that OpenCV cannot decode it."""
    path = str(tmp_path / 'clip.avi')
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), 5,
                             (112, 112))
    for i in range(6):
        writer.write(generated_face(i % 7, i))
    writer.release()
    data = bytearray(open(path, 'rb').read())
    soi = [i for i in range(len(data) - 1) if data[i:i + 2] == b'\xff\xd8']
    eoi = data.index(b'\xff\xd9', soi[3])
    data[soi[3]:eoi + 2] = bytes(eoi + 2 - soi[3])
    open(path, 'wb').write(data)

    inferencer = FaceExpressionInferencer(*resnet, detector='whole')
    out = tmp_path / 'out'
    result = inferencer(path, out_dir=str(out), progress=False)
    assert [r['frame'] for r in result['predictions']] == [0, 1, 2, 4, 5]
    check_records(result['predictions'], RAFDB_CLASSES)
    assert result['issues'] == [
        dict(source=path, frame=3, problem='frame failed to decode')
    ]
    capture = cv2.VideoCapture(str(out / 'vis' / 'clip.mp4'))
    frames = 0
    while capture.read()[0]:
        frames += 1
    assert frames == 5
    # max_frames stops early
    result = inferencer(path, max_frames=2, progress=False)
    assert [r['frame'] for r in result['predictions']] == [0, 1]


def test_sources_and_camera_parsing(tmp_path):
    (tmp_path / 'a.png').write_bytes(b'')
    (tmp_path / 'b.mp4').write_bytes(b'')
    (tmp_path / 'c.csv').write_text('x')
    sources, skipped = collect_sources([str(tmp_path), 'camera:1', 0])
    assert [s.name
            for s in sources] == ['a.png', 'b.mp4', 'camera_1', 'camera_0']
    assert [s.is_video for s in sources] == [False, True, True, True]
    assert skipped == [str(tmp_path / 'c.csv')]
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        collect_sources('missing.jpg')
    frames = list(sources[1])  # an empty file is not a video
    assert frames[0].image is None and 'cannot open' in frames[0].error


def test_infer_cli_csv(resnet, tmp_path):
    folder = tmp_path / 'faces'
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f'f{i}.png'), generated_face(i, i))
    out = tmp_path / 'out'
    assert load_script('tools/infer.py').main([
        resnet[0],
        str(folder), '--checkpoint', resnet[1], '--out-dir',
        str(out), '--format', 'csv', '--detector', 'whole', '--no-progress'
    ]) == 0
    with open(out / 'predictions.csv') as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    probs = [[float(r[f'p_{c}']) for c in RAFDB_CLASSES] for r in rows]
    assert np.allclose(np.sum(probs, axis=1), 1, atol=1e-5)
    assert sorted(os.listdir(out / 'vis')) == ['f0.png', 'f1.png', 'f2.png']


# ------------------------------------------------------------ class names
def test_class_names_resolution(tmp_path):
    config, checkpoint = write_resnet_model(str(tmp_path), meta_classes=False)
    cfg = load_config(config)
    with pytest.raises(ValueError, match='no class names'):
        resolve_classes(cfg)
    names = tuple(f'c{i}' for i in range(7))
    assert resolve_classes(cfg, dict(dataset_meta=dict(classes=names))) == \
        names
    assert resolve_classes(cfg, None, RAFDB_CLASSES) == RAFDB_CLASSES
    with pytest.raises(ValueError, match='8 class names .* 7 outputs'):
        resolve_classes(cfg, None, FERPLUS_CLASSES)
    with pytest.raises(ValueError, match='no class names'):
        FaceExpressionInferencer(config, checkpoint)
    with pytest.raises(ValueError, match='needs an .onnx file'):
        FaceExpressionInferencer(config, checkpoint, backend='onnxruntime')


# -------------------------------------------------------------------- CAM
def test_cam_default_layer_is_the_backbone_output(inferencer):
    crop = generated_face(3, 5)
    default = FaceCAM(inferencer.classifier)(crop, 'happiness')
    named = FaceCAM(
        inferencer.classifier, target_layers=['backbone.layer4'])(crop, 3)
    assert default['target'] == named['target'] == 'happiness'
    assert default['cam'].shape == (64, 64)
    assert default['cam'].min() >= 0 and default['cam'].max() <= 1
    np.testing.assert_allclose(default['cam'], named['cam'], atol=1e-5)
    assert default['overlay'].shape == (64, 64, 3)
    with pytest.raises(ValueError, match='unknown class'):
        FaceCAM(inferencer.classifier)(crop, 'joy')
    with pytest.raises(ValueError, match='no module'):
        FaceCAM(inferencer.classifier, target_layers=['backbone.nope'])(crop)


def test_cam_cli(resnet, tmp_path):
    image = tmp_path / 'face.png'
    cv2.imwrite(str(image), generated_face(0, 1))
    out = tmp_path / 'cams'
    assert load_script('tools/cam.py').main([
        *resnet,
        str(image), '--out-dir',
        str(out), '--detector', 'whole', '--target-class', 'surprise',
        '--method', 'gradcam++', '--size', '96'
    ]) == 0
    panel = cv2.imread(str(out / 'face_face0_surprise.png'))
    assert panel.shape == (96, 192, 3)


# ---------------------------------------------------------- label mapping
def test_label_mapping_rafdb_model_on_ferplus():
    mapping = LabelMapping(RAFDB_CLASSES, FERPLUS_CLASSES)
    assert mapping.shared == FERPLUS_CLASSES[:7]  # FERPlus order
    assert mapping.target_only == ('contempt', ) and not mapping.source_only
    # FERPlus labels: neutral 0, happiness 1, contempt 7
    assert mapping.map_target_labels([0, 1, 7]).tolist() == [0, 1, -1]
    scores = np.zeros(7)
    scores[RAFDB_CLASSES.index('happiness')] = 1
    assert mapping.map_scores(scores).argmax() == 1
    # a permutation of the scores, nothing renormalised away
    rng = np.random.default_rng(0)
    raw = rng.dirichlet(np.ones(7), size=4)
    mapped = mapping.map_scores(raw)
    for k, name in enumerate(mapping.shared):
        assert np.allclose(mapped[:, k], raw[:, RAFDB_CLASSES.index(name)])


def test_label_mapping_ferplus_model_on_rafdb_renormalises():
    mapping = LabelMapping(FERPLUS_CLASSES, [
        'Surprised', 'fearful', 'disgusted', 'happy', 'sad', 'angry', 'neutral'
    ])
    assert mapping.shared == RAFDB_CLASSES  # aliases resolved
    assert mapping.source_only == ('contempt', )
    raw = np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.4])  # contempt
    mapped = mapping.map_scores(raw)
    assert mapped.sum() == pytest.approx(1)
    assert mapped[RAFDB_CLASSES.index('neutral')] == pytest.approx(0.1 / 0.6)
    assert 'model only: [\'contempt\']' in mapping.describe()


def test_label_mapping_errors():
    with pytest.raises(ValueError, match="data set class 'joy'"):
        LabelMapping(RAFDB_CLASSES, ['joy'])
    with pytest.raises(ValueError, match='twice'):
        LabelMapping(['happy', 'happiness'], RAFDB_CLASSES)
    with pytest.raises(ValueError, match='no class in common'):
        LabelMapping(['contempt'], ['anger'])
    with pytest.raises(ValueError, match='expected 7 scores'):
        LabelMapping(RAFDB_CLASSES, FERPLUS_CLASSES).map_scores(np.ones(8))
    with pytest.raises(ValueError, match='outside'):
        LabelMapping(RAFDB_CLASSES, FERPLUS_CLASSES).map_target_labels([8])


def test_cross_dataset_tool_excludes_and_counts(resnet, tmp_path):
    """A RAF-DB-order model on a folder set with FERPlus-style folders,
    contempt included."""
    root = tmp_path / 'set'
    counts = dict(happy=3, surprise=2, contempt=2, neutral=2)
    for name, num in counts.items():
        (root / name).mkdir(parents=True)
        for i in range(num):
            cv2.imwrite(
                str(root / name / f'S{i:03d}_{name}.png'),
                generated_face(i, i + 10 * num, 64))
    out = tmp_path / 'out'
    assert load_script('tools/cross_dataset_test.py').main([
        *resnet, '--dataset-type', 'FERFolder', '--data-root',
        str(root), '--out-dir',
        str(out), '--num-workers', '0', '--batch-size', '4'
    ]) == 0
    with open(out / 'cross_dataset.json') as f:
        report = json.load(f)
    assert report['dataset_only'] == ['contempt']
    assert report['excluded'] == dict(contempt=2)
    assert report['samples'] == 9 and report['evaluated'] == 7
    rows = report['predictions']
    assert sorted(r['target']
                  for r in rows) == sorted(['happiness'] * 3 +
                                           ['surprise'] * 2 + ['neutral'] * 2)
    assert all(r['prediction'] in report['shared_classes'] for r in rows)
    accuracy = 100 * np.mean([r['target'] == r['prediction'] for r in rows])
    assert report['metrics']['cross/accuracy'] == pytest.approx(accuracy)
    assert (out / 'cross_confusion_matrix.png').is_file()
