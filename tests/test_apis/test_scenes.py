"""Scenes of one data set's faces for a model of another: the detection
benchmark's cross-data-set scoring (``--faces-root``), scene files and
video (``tools/analysis_tools/scenes.py write``), ``tools/infer.py`` on
them and the scoring of its predictions (``scenes.py score``).

Models are random-init ResNet-18s (16 base channels, 64 px) whose head is
set to always predict one class, so that what the class mapping must give
is known; faces are generated (``render_face``) in a CK+-like folder per
class, or the real CK+48 crops (``ckplus_root``).
"""
import json
import os.path as osp
from collections import Counter

import cv2
import numpy as np
import pytest
import torch

from sqsnet_mm.analysis.detection import generate_scenes
from sqsnet_mm.analysis.scenes import (load_faces, predicted_classes,
                                       score_predictions)
from sqsnet_mm.apis import FaceExpressionInferencer
from sqsnet_mm.apis.label_mapping import LabelMapping
from sqsnet_mm.datasets.emotions import FERPLUS_CLASSES, RAFDB_CLASSES
from sqsnet_mm.datasets.synthetic import render_face

#: The generated folder: CK+-style names, aliases as folder names.
FOLDERS = ('anger', 'happy', 'contempt')
FACES_PER_CLASS = 3
#: The crops of the FERPlus configs' face_crop key.
FACE_CROP = "face_crop = dict(margin=0.0, color='grey', size=48)\n"


@pytest.fixture
def faces_root(tmp_path):
    """``anger/``, ``happy/``, ``contempt/`` with 3 generated 48 px faces
    each, named as CK+ files."""
    for k, folder in enumerate(FOLDERS):
        for i in range(FACES_PER_CLASS):
            path = tmp_path / 'faces' / folder / f'S{k:03d}_00{i}_00000001.png'
            path.parent.mkdir(parents=True, exist_ok=True)
            face = render_face(k, np.random.default_rng(10 * k + i), 48)
            assert cv2.imwrite(
                str(path), cv2.cvtColor(face, cv2.COLOR_BGR2GRAY))
    return str(tmp_path / 'faces')


@pytest.fixture
def always(make_classifier):
    """``always(classes, label)``: a classifier for ``classes`` (with the
    FERPlus ``face_crop`` key) whose output is ``label`` whatever the
    face; returns ``(config, checkpoint)``."""

    def make(classes, label):
        config, checkpoint = make_classifier(classes)
        with open(config, 'a') as f:
            f.write(FACE_CROP)
        state = torch.load(checkpoint)
        state['state_dict']['head.fc.weight'].zero_()
        state['state_dict']['head.fc.bias'][:] = 0
        state['state_dict']['head.fc.bias'][classes.index(label)] = 20.
        torch.save(state, checkpoint)
        return config, checkpoint

    return make


def test_predicted_classes_keep_to_the_shared_classes():
    mapping = LabelMapping(RAFDB_CLASSES, ('anger', 'contempt', 'happy'))
    scores = np.zeros((2, 7))
    scores[0, RAFDB_CLASSES.index('neutral')] = 0.7  # the faces lack it
    scores[0, RAFDB_CLASSES.index('anger')] = 0.1
    scores[0, RAFDB_CLASSES.index('happiness')] = 0.2
    scores[1, RAFDB_CLASSES.index('anger')] = 1.
    assert predicted_classes(mapping, scores) == ['happiness', 'anger']
    assert predicted_classes(mapping, np.zeros((0, 7))) == []


def _record(source, frame, box, probabilities):
    return dict(
        source=source, frame=frame, box=list(box), probabilities=probabilities)


def test_score_predictions_maps_classes_and_counts_excluded():
    """A 7-class RAF-DB model (no contempt) on scenes of 3 CK+ classes."""
    truth = dict(
        classes=['anger', 'contempt', 'happiness'],
        faces_from='test',
        scenes=[
            dict(
                image='images/scene_000.jpg',
                background='noise',
                faces=[
                    dict(box=[0, 0, 100, 100], label='happiness', path='a'),
                    dict(box=[200, 0, 100, 100], label='contempt', path='b'),
                    dict(box=[400, 0, 100, 100], label='anger', path='c'),
                ])
        ],
        video=dict(file='scenes.mp4', fps=4., frames_per_scene=2))
    # neutral (no face has it) is the model's top class, happiness the top
    # shared one
    happy = dict.fromkeys(RAFDB_CLASSES, 0.)
    happy.update(neutral=0.6, happiness=0.3, anger=0.1)
    angry = dict.fromkeys(RAFDB_CLASSES, 0.)
    angry.update(anger=1.)
    records = [
        _record('out/images/scene_000.jpg', None, (5, 5, 100, 100), happy),
        _record('out/images/scene_000.jpg', None, (200, 0, 100, 100), angry),
        _record('out/images/scene_000.jpg', None, (0, 300, 50, 50), angry),
        _record('scenes.mp4', 1, (400, 0, 100, 100), angry),
        _record('elsewhere.jpg', None, (0, 0, 10, 10), angry),
    ]
    rows, mapping, others = score_predictions(truth, records)
    assert mapping.target_only == ('contempt', ) and others == 1
    images = rows['images']
    assert (images.images, images.faces, images.found, images.false_positives,
            images.excluded, images.excluded_found,
            images.correct) == (1, 3, 2, 1, 1, 1, 1)
    # 1 of the 2 faces of shared classes, 1 of the 1 found
    assert images.accuracy == 50 and images.accuracy_of_found == 100
    video = rows['video']  # 2 frames of scene 0, anger found in frame 1
    assert (video.images, video.faces, video.found, video.excluded,
            video.correct) == (2, 6, 1, 2, 1)
    assert video.accuracy == 25
    with pytest.raises(ValueError, match='no prediction record'):
        score_predictions(truth, records[-1:])


@pytest.mark.parametrize(
    'classes, excluded', [(FERPLUS_CLASSES, ()),
                          (RAFDB_CLASSES, ('contempt', ))],
    ids=['ferplus-8', 'rafdb-7'])
def test_benchmark_scores_a_model_of_other_classes(faces_root, always,
                                                   load_tool, tmp_path,
                                                   monkeypatch, classes,
                                                   excluded):
    """A model that always says 'happiness' on scenes of the folder: right
    on the 'happy' faces, faces of classes it lacks counted as excluded,
    every crop cut by the config's face_crop (grey, 48 px)."""
    config, checkpoint = always(classes, 'happiness')
    crops = []
    classify = FaceExpressionInferencer.classify

    def spy(self, images, *args, **kwargs):
        crops.extend(images)
        return classify(self, images, *args, **kwargs)

    monkeypatch.setattr(FaceExpressionInferencer, 'classify', spy)
    out = tmp_path / 'detection.json'
    tool = load_tool('analysis_tools/detection_benchmark')
    assert tool.main([
        config, checkpoint, '--faces-root', faces_root, '--scenes', '3',
        '--max-faces', '3', '--detectors', 'haar', '--out',
        str(out)
    ]) == 0
    result = json.loads(out.read_text())
    assert result['excluded_classes'] == list(excluded)
    assert 'margin 0.0 (config face_crop)' in result['face_crop']
    assert crops and all(c.shape == (48, 48, 3) for c in crops)
    assert all((c == c[..., :1]).all() for c in crops)  # grey
    num = len(FOLDERS) * FACES_PER_CLASS
    scored = num - FACES_PER_CLASS * len(excluded)
    assert result['crop_excluded'] == num - scored
    assert result['crop_accuracy'] == pytest.approx(100 * FACES_PER_CLASS /
                                                    scored)
    # the benchmark's scenes, as scenes.py writes them
    scenes = list(
        generate_scenes(
            load_faces(root=faces_root).faces, 3, np.random.default_rng(0), 3))
    labels = Counter(f.label for s in scenes for f in s.faces)
    assert labels['contempt'] > 0 and labels['happiness'] > 0
    for row in ('true boxes, unrotated',
                'true boxes, rotated by the true angle'):
        counts = result['rows'][row]
        assert counts['faces'] == sum(labels.values())
        assert counts['excluded'] == sum(labels[c] for c in excluded)
        assert counts['correct'] == labels['happiness']
        assert counts['accuracy'] == pytest.approx(
            100 * labels['happiness'] / (counts['faces'] - counts['excluded']))


def test_written_scenes_video_infer_and_score(faces_root, always, load_tool,
                                              tmp_path):
    scenes_tool = load_tool('analysis_tools/scenes')
    out_dir = tmp_path / 'scenes'
    truth = scenes_tool.main([
        'write', '--faces-root', faces_root, '--scenes', '2', '--max-faces',
        '2', '--video', '--fps', '4', '--hold', '0.5', '--out-dir',
        str(out_dir)
    ])
    assert truth == json.loads((out_dir / 'ground_truth.json').read_text())
    assert truth['classes'] == ['anger', 'contempt', 'happiness']
    assert truth['video'] == dict(
        file='scenes.mp4', fps=4., frames_per_scene=2)
    expected = generate_scenes(
        load_faces(root=faces_root).faces, 2, np.random.default_rng(0), 2)
    for written, scene in zip(truth['scenes'], expected):
        image = cv2.imread(str(out_dir / written['image']))
        assert image.shape == scene.image.shape
        # JPEG quality 95 of the same picture
        assert np.abs(image.astype(float) - scene.image).mean() < 4
        assert [(f['box'], f['label']) for f in written['faces']
                ] == [(list(f.box), f.label) for f in scene.faces]
    capture = cv2.VideoCapture(str(out_dir / 'scenes.mp4'))
    assert int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) == 4
    capture.release()

    config, checkpoint = always(FERPLUS_CLASSES, 'happiness')
    infer = load_tool('infer')
    for name, inputs, frames in (('video', 'scenes.mp4', 4), ('images',
                                                              'images', 2)):
        predictions = tmp_path / name
        assert infer.main([
            config,
            str(out_dir / inputs), '--checkpoint', checkpoint, '--out-dir',
            str(predictions), '--detector', 'whole', '--no-vis',
            '--no-progress'
        ]) == 0
        records = json.loads((predictions / 'predictions.json').read_text())
        # 'whole': one face per frame, its box the whole frame
        assert len(records) == frames
        assert {r['label'] for r in records} == {'happiness'}
        result = scenes_tool.main([
            'score',
            str(out_dir / 'ground_truth.json'),
            str(predictions / 'predictions.json'), '--out',
            str(tmp_path / f'{name}.json')
        ])
        row = result['rows'][name]
        faces = sum(len(s['faces']) for s in truth['scenes']) * frames // 2
        # a whole-frame box overlaps no 40-200 px face by IoU 0.4
        assert (row['images'], row['faces'], row['found'],
                row['false_positives']) == (frames, faces, 0, frames)
        assert result['model_only'] == [
            'neutral', 'surprise', 'sadness', 'disgust', 'fear'
        ]


def test_ckplus_scenes_for_a_ferplus_model(ckplus_root, always, load_tool,
                                           tmp_path):
    """Two scenes of all of CK+48 (7 classes) written, read by
    tools/infer.py (Haar faces) with an 8-class FERPlus-like model, and
    scored: all CK+ classes are FERPlus classes, neutral is the model's
    own."""
    scenes_tool = load_tool('analysis_tools/scenes')
    out_dir = tmp_path / 'scenes'
    truth = scenes_tool.main([
        'write', '--faces-root', ckplus_root, '--scenes', '2', '--out-dir',
        str(out_dir)
    ])
    assert truth['classes'] == [
        'anger', 'contempt', 'disgust', 'fear', 'happiness', 'sadness',
        'surprise'
    ]
    assert 'split=all' in truth['faces_from']
    for scene in truth['scenes']:
        for face in scene['faces']:
            assert face['path'].startswith(ckplus_root)
            folder = osp.basename(osp.dirname(face['path']))
            assert face['label'] == {'happy': 'happiness'}.get(folder, folder)
    config, checkpoint = always(FERPLUS_CLASSES, 'happiness')
    assert load_tool('infer').main([
        config,
        str(out_dir / 'images'), '--checkpoint', checkpoint, '--out-dir',
        str(tmp_path / 'out'), '--detector', 'haar', '--no-vis',
        '--no-progress'
    ]) == 0
    result = scenes_tool.main([
        'score',
        str(out_dir / 'ground_truth.json'),
        str(tmp_path / 'out' / 'predictions.json')
    ])
    row = result['rows']['images']
    assert result['model_only'] == ['neutral']
    assert result['excluded_classes'] == [] and row['excluded'] == 0
    assert row['images'] == 2 and row['found'] > 0  # Haar finds some
    assert row['correct'] <= row['found'] <= row['faces']
