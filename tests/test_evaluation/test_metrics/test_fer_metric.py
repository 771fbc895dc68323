"""FERMetric: accuracy, macro/weighted F1, balanced accuracy, per-class F1
and the files it writes."""
import csv
import json

import pytest
import torch
from mmengine.evaluator import Evaluator
from mmpretrain.structures import DataSample

from sqsnet_mm.evaluation import FERMetric


def evaluate(gt, pred, classes=('a', 'b', 'c'), **kwargs):
    """FERMetric through mmengine's Evaluator on one-hot scores."""
    metric = FERMetric(**kwargs)
    evaluator = Evaluator(metric)
    evaluator.dataset_meta = dict(classes=classes)
    samples = []
    for g, p in zip(gt, pred):
        score = torch.zeros(len(classes))
        score[p] = 1
        samples.append(DataSample().set_gt_label(g).set_pred_score(score))
    evaluator.process(samples)
    return evaluator.evaluate(len(samples))


def test_fer_metric_hand_computed():
    # confusion matrix (rows truth): a: [2, 1, 0], b: [0, 1, 1], c: [0, 0, 1]
    # F1: a 2*2/(3+2)=0.8, b 2*1/(2+2)=0.5, c 2*1/(1+2)=2/3
    # recall: a 2/3, b 1/2, c 1
    res = evaluate(gt=[0, 0, 0, 1, 1, 2], pred=[0, 0, 1, 1, 2, 2])
    expect = {
        'fer/accuracy': 4 / 6 * 100,
        'fer/macro_f1': (0.8 + 0.5 + 2 / 3) / 3 * 100,
        'fer/weighted_f1': (3 * 0.8 + 2 * 0.5 + 1 * 2 / 3) / 6 * 100,
        'fer/balanced_accuracy': (2 / 3 + 1 / 2 + 1) / 3 * 100,
        'fer/f1_a': 80.0,
        'fer/f1_b': 50.0,
        'fer/f1_c': 200 / 3,
        'fer/f1_min': 50.0,
        'fer/f1_max': 80.0,
        'fer/f1_range': 30.0,
    }
    assert res.keys() == expect.keys()
    for key, value in expect.items():
        assert res[key] == pytest.approx(value), key


def test_fer_metric_imbalanced_differs_from_accuracy():
    # 8 of class a (all right), 2 of class b (all predicted a)
    res = evaluate(gt=[0] * 8 + [1] * 2, pred=[0] * 10, classes=('a', 'b'))
    assert res['fer/accuracy'] == pytest.approx(80.0)
    assert res['fer/balanced_accuracy'] == pytest.approx(50.0)
    f1_a = 2 * 8 / (8 + 10) * 100
    assert res['fer/macro_f1'] == pytest.approx(f1_a / 2)
    assert res['fer/weighted_f1'] == pytest.approx(f1_a * 0.8)
    assert res['fer/f1_range'] == pytest.approx(f1_a)


def test_fer_metric_class_absent_everywhere_is_left_out():
    # class c never occurs nor is predicted: no F1, not in the averages
    res = evaluate(gt=[0, 1, 1], pred=[0, 1, 0])
    assert 'fer/f1_c' not in res
    f1_a, f1_b = 2 / 3, 2 / 3
    assert res['fer/macro_f1'] == pytest.approx((f1_a + f1_b) / 2 * 100)
    assert res['fer/balanced_accuracy'] == pytest.approx(75.0)


def test_fer_metric_predicted_only_class_counts_in_macro_f1():
    # class c predicted once but absent from the truth: F1 0 in macro-F1
    # (scikit-learn's convention), not in balanced accuracy or the F1 range
    res = evaluate(gt=[0, 1], pred=[0, 2])
    assert res['fer/f1_c'] == 0.0
    assert res['fer/macro_f1'] == pytest.approx(100 / 3)
    assert res['fer/balanced_accuracy'] == pytest.approx(50.0)
    assert res['fer/f1_min'] == 0.0 and res['fer/f1_max'] == 100.0


def test_fer_metric_writes_json_and_png(tmp_path):
    res = evaluate(
        gt=[0, 0, 1, 2], pred=[0, 1, 1, 2], out_dir=str(tmp_path),
        prefix='val')
    assert res['val/accuracy'] == pytest.approx(75.0)
    with open(tmp_path / 'val_metrics.json') as f:
        saved = json.load(f)
    assert saved['classes'] == ['a', 'b', 'c']
    assert saved['num_samples'] == 4
    assert saved['confusion_matrix'] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]
    assert saved['metrics']['accuracy'] == pytest.approx(75.0)
    png = tmp_path / 'val_confusion_matrix.png'
    assert png.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_fer_metric_bad_input():
    with pytest.raises(ValueError, match='label out of range'):
        evaluate(gt=[0, 3], pred=[0, 1], num_classes=3)
    with pytest.raises(ValueError, match='dataset_meta has 3 classes'):
        evaluate(gt=[0], pred=[0], num_classes=4)


def _samples_with_paths(gt, pred, num_classes=3):
    samples = []
    for i, (g, p) in enumerate(zip(gt, pred)):
        score = torch.zeros(num_classes)
        score[p] = 1
        samples.append(DataSample(metainfo=dict(
            img_path=f'faces/img_{i}.png')).set_gt_label(g).set_pred_score(
                score))
    return samples


def test_fer_metric_writes_predictions_in_data_set_order(tmp_path):
    gt, pred = [2, 0, 1, 1, 0], [2, 1, 1, 0, 0]
    evaluator = Evaluator(FERMetric(out_dir=str(tmp_path), prefix='val'))
    evaluator.dataset_meta = dict(classes=('a', 'b', 'c'))
    samples = _samples_with_paths(gt, pred)
    for start in (0, 2, 4):  # three batches
        evaluator.process(samples[start:start + 2])
    evaluator.evaluate(len(samples))
    with open(tmp_path / 'val_predictions.csv', newline='') as f:
        rows = list(csv.reader(f))
    assert rows[0] == ['img_path', 'gt_label', 'pred_label']
    assert rows[1:] == [[f'faces/img_{i}.png', str(g), str(p)]
                        for i, (g, p) in enumerate(zip(gt, pred))]


def test_fer_metric_predictions_default_prefix_and_no_out_dir(
        tmp_path, monkeypatch):
    evaluator = Evaluator(FERMetric(out_dir=str(tmp_path)))
    evaluator.dataset_meta = dict(classes=('a', 'b', 'c'))
    evaluator.process(_samples_with_paths([0, 1], [0, 0]))
    evaluator.evaluate(2)
    with open(tmp_path / 'fer_predictions.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert [(r['gt_label'], r['pred_label']) for r in rows] == [('0', '0'),
                                                                ('1', '0')]
    # without out_dir nothing is written, not even into the working folder
    cwd = tmp_path / 'cwd'
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    evaluator = Evaluator(FERMetric())
    evaluator.dataset_meta = dict(classes=('a', 'b', 'c'))
    evaluator.process(_samples_with_paths([0], [0]))
    evaluator.evaluate(1)
    assert list(cwd.iterdir()) == []
