"""The crop-margin measurement: its arithmetic with a stand-in detector
whose boxes are known, images without a face counted, and, on the real
48 px crops when present, agreement with the configs' ``face_crop``."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from sqsnet_mm.analysis.crop_margin import (margin_of, measure_crop_margins,
                                            sample_images)
from sqsnet_mm.apis import Face
from ..utils import load_script


def write_crops(folder, num: int, side: int = 48):
    rng = np.random.default_rng(0)
    paths = []
    for i in range(num):
        path = str(folder / f'crop{i}.png')
        cv2.imwrite(path, rng.integers(0, 256, (side, side), np.uint8))
        paths.append(path)
    return paths


class BoxAtScale:
    """Returns one face of ``ratio`` times the image side (before padding),
    centred, shifted right by ``shift`` of that side; no face for the
    ``skip``-th call."""

    def __init__(self, ratio, upscale, pad, shift=0., skip=None):
        self.side = ratio * upscale
        self.upscale, self.border = upscale, round(pad * upscale)
        self.shift, self.skip, self.calls = shift, skip, 0

    def __call__(self, image):
        self.calls += 1
        assert image.shape[:2] == (self.upscale + 2 * self.border, ) * 2
        if self.calls - 1 == self.skip:
            return []
        centre = self.border + self.upscale * (0.5 + self.shift)
        x = centre - self.side / 2
        y = self.border + self.upscale / 2 - self.side / 2
        box = (round(x), round(y), round(self.side), round(self.side))
        return [Face(box=box, score=0.5), Face(box=(0, 0, 5, 5), score=0.1)]


def test_margin_arithmetic_and_missed_images(tmp_path):
    files = write_crops(tmp_path, 5)
    detector = BoxAtScale(0.8, 100, 0.5, shift=0.1, skip=2)
    result = measure_crop_margins(files, detector, upscale=100, pad=0.5)
    assert result.missed == [files[2]]
    assert result.files == files[:2] + files[3:]
    assert result.several == 4  # the most confident face is taken
    assert result.margins == pytest.approx([margin_of(0.8)] * 4)
    assert margin_of(0.8) == pytest.approx(0.125)  # 1 = 0.8 * (1 + 2m)
    assert np.array(result.centre_offsets) == pytest.approx(
        np.tile([0.1, 0.], (4, 1)), abs=0.01)
    summary = result.summary()
    assert (summary['images'], summary['faces_found'],
            summary['no_face']) == (5, 4, 1)
    assert summary['margin_q1_median_q3'][1] == pytest.approx(0.125)
    # a box larger than the image: a negative margin
    assert margin_of(1.25) == pytest.approx(-0.1)
    with pytest.raises(ValueError, match='face crops are square'):
        cv2.imwrite(str(tmp_path / 'wide.png'), np.zeros((48, 60), np.uint8))
        measure_crop_margins([str(tmp_path / 'wide.png')], detector)


def test_sample_images_spreads_over_the_sorted_list(tmp_path):
    files = sorted(write_crops(tmp_path, 10))
    assert sample_images(str(tmp_path), 3) == [files[0], files[4], files[9]]
    assert sample_images(str(tmp_path), 50) == files
    with pytest.raises(FileNotFoundError, match='no image'):
        sample_images(str(tmp_path / 'missing'), 3)


@pytest.mark.parametrize('data, folder, config', [
    ('ckplus_root', '', 'configs/_base_/datasets/ckplus_folder.py'),
    ('ferplus_root', 'FER2013Train', 'configs/_base_/datasets/ferplus.py'),
])
def test_configs_margin_is_the_measured_one(data, folder, config, tmp_path,
                                            request):
    """MTCNN on 24 of the crops: the median margin, raised to the smallest
    allowed (0), is the config's ``face_crop.margin`` to within 0.05."""
    pytest.importorskip('facenet_pytorch')
    root = osp.join(request.getfixturevalue(data), folder)
    out = tmp_path / 'margin.json'
    assert load_script('tools/analysis_tools/crop_margin.py').main(
        [root, '--num', '24', '--out', str(out)]) == 0
    with open(out) as f:
        summary = json.load(f)['summary']
    assert summary['faces_found'] >= 16
    measured = max(0., summary['margin_q1_median_q3'][1])
    assert Config.fromfile(config).face_crop.margin == pytest.approx(
        measured, abs=0.05)
