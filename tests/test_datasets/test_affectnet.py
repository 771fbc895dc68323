"""AffectNet: CSV and NPY layouts, dropped codes, face boxes."""
import os.path as osp

from sqsnet_mm.datasets import AFFECTNET_CLASSES, AffectNet, base_fer_dataset
from .layouts import make_affectnet_csv, make_affectnet_npy


def test_affectnet_csv_drops_and_face_box(tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr(base_fer_dataset, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    codes = [0, 1, 7, 8, 9, 10, 6, 10, 3]
    csv_file = make_affectnet_csv(tmp_path, codes)
    ds = AffectNet(str(tmp_path), split='train')
    assert logged == [
        f'AffectNet[train]: loaded 5 images from {csv_file}; dropped 4 '
        '(expression 10 (No-Face): 2, expression 8 (None): 1, '
        'expression 9 (Uncertain): 1)'
    ]
    assert ds.layout == 'csv'
    assert ds.metainfo['classes'] == AFFECTNET_CLASSES
    assert list(ds.get_gt_labels()) == [0, 1, 7, 6, 3]
    assert ds.drop_counts == {
        'expression 8 (None)': 1,
        'expression 9 (Uncertain)': 1,
        'expression 10 (No-Face)': 2
    }
    info = ds.get_data_info(1)
    assert info['img_path'].endswith(
        osp.join('Manually_Annotated_Images', '1', 'img1.jpg'))
    assert tuple(info['face_box']) == (2, 3, 12, 15)
    seven = AffectNet(str(tmp_path), split='train', num_classes=7)
    assert list(seven.get_gt_labels()) == [0, 1, 6, 3]
    assert seven.drop_counts['expression 7 (contempt, num_classes=7)'] == 1

    cropped = AffectNet(
        str(tmp_path),
        split='train',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='CropFaceBox'),
            dict(type='PackInputs')
        ])[0]
    assert cropped['inputs'].shape == (3, 12, 10)


def test_affectnet_npy_layout(tmp_path):
    make_affectnet_npy(tmp_path, [5, 9, 2, 7, 0, 1, 2, 3, 4, 5, 6, 10, 4])
    ds = AffectNet(str(tmp_path), split='train', num_classes=7)
    assert ds.layout == 'npy'
    # ids are sorted numerically (0, 1, ..., 12), not as strings
    assert list(ds.get_gt_labels()) == [5, 2, 0, 1, 2, 3, 4, 5, 6, 4]
    assert ds.get_data_info(0)['img_path'].endswith(
        osp.join('train_set', 'images', '0.jpg'))
    assert ds.drop_counts == {
        'expression 9 (Uncertain)': 1,
        'expression 10 (No-Face)': 1,
        'expression 7 (contempt, num_classes=7)': 1
    }
