"""CropFaceBox."""
import numpy as np
import pytest

from sqsnet_mm.datasets import CropFaceBox


def test_crop_face_box():
    img = np.arange(20 * 30 * 3, dtype=np.uint8).reshape(20, 30, 3)
    out = CropFaceBox(margin=0.5)(
        dict(img=img, face_box=(10, 4, 20, 12), img_path='x.jpg'))
    # 10x8 box, 5/4 px margins: x 5..25, y 0..16
    assert out['img'].shape == (16, 20, 3) and out['img_shape'] == (16, 20)
    np.testing.assert_array_equal(out['img'], img[0:16, 5:25])
    with pytest.raises(KeyError, match='x.jpg'):
        CropFaceBox()(dict(img=img, img_path='x.jpg'))
    with pytest.raises(ValueError, match='outside'):
        CropFaceBox()(dict(img=img, face_box=(40, 0, 50, 5), img_path='x'))
