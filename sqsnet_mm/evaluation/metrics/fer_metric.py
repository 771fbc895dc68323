"""Facial-expression metrics of the paper (Tables 2, 5, 6 and Fig. 3)."""
import csv
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmpretrain.evaluation import ConfusionMatrix
from mmpretrain.registry import METRICS


@METRICS.register_module()
class FERMetric(BaseMetric):
    """Accuracy, macro/weighted F1, balanced accuracy, per-class F1 and the
    confusion matrix of a single-label classifier.

    All values are percentages, as in mmpretrain's ``Accuracy``. With ``C``
    the confusion matrix (rows: ground truth, columns: prediction), ``n_k``
    the support of class k (row sum) and ``p_k`` the number of predictions of
    k (column sum), per-class ``F1_k = 2 C_kk / (n_k + p_k)`` and
    ``recall_k = C_kk / n_k``. The returned keys (with the default prefix
    ``fer/``):

    - ``accuracy``: ``trace(C) / N``.
    - ``macro_f1``: mean ``F1_k`` over the classes that occur in the ground
      truth or the predictions (scikit-learn's ``average='macro'``).
    - ``weighted_f1``: ``sum_k n_k F1_k / N``.
    - ``balanced_accuracy``: mean ``recall_k`` over the classes present in
      the ground truth (scikit-learn's ``balanced_accuracy_score``).
    - ``f1_<class name>``: ``F1_k`` of every class in the ground truth or
      the predictions.
    - ``f1_min``, ``f1_max``, ``f1_range``: minimum, maximum and their
      difference over the ground-truth classes (paper Table 6).

    A class that is neither in the ground truth nor predicted has no F1; such
    classes are left out of the averages, counted and named in a warning.
    The confusion matrix is not returned (loggers and checkpoint rules take
    scalars); when ``out_dir`` is set, each evaluation writes
    ``<out_dir>/<prefix>_metrics.json`` (every value above, the confusion
    matrix as counts, class names, sample count) and
    ``<out_dir>/<prefix>_confusion_matrix.png`` (row-normalised, in %, as in
    the paper's Fig. 3) and ``<out_dir>/<prefix>_predictions.csv`` (one row
    per image in data set order: image path, ground-truth and predicted
    class index, for paired tests such as McNemar's between two models on
    the same images). ``tools/test.py`` sets ``out_dir`` to the work
    directory.

    Args:
        num_classes: Number of classes. Defaults to the length of
            ``dataset_meta['classes']``, else the width of the score vectors.
        out_dir: Directory for the JSON and PNG files. None (default) writes
            nothing.
        collect_device: As in :class:`mmengine.evaluator.BaseMetric`.
        prefix: Key prefix. Defaults to ``'fer'``.
    """
    default_prefix: Optional[str] = 'fer'

    def __init__(self,
                 num_classes: Optional[int] = None,
                 out_dir: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_classes = num_classes
        self.out_dir = out_dir

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the predicted label and the ground-truth label of each
        sample (``pred_score`` argmax, else ``pred_label``)."""
        for sample in data_samples:
            if 'pred_score' in sample:
                pred = int(torch.as_tensor(sample['pred_score']).argmax())
                width = int(torch.as_tensor(sample['pred_score']).numel())
            else:
                pred = int(torch.as_tensor(sample['pred_label']).flatten()[0])
                width = None
            self.results.append(
                dict(
                    pred_label=pred,
                    gt_label=int(
                        torch.as_tensor(sample['gt_label']).flatten()[0]),
                    width=width,
                    img_path=sample.get('img_path')))

    def _class_names(self, num_classes: int) -> List[str]:
        classes = (self.dataset_meta or {}).get('classes')
        if classes is None:
            return [str(i) for i in range(num_classes)]
        if len(classes) != num_classes:
            raise ValueError(
                f'FERMetric: dataset_meta has {len(classes)} classes '
                f'{list(classes)} but num_classes is {num_classes}')
        return [str(c) for c in classes]

    def _num_classes(self, results: List[dict]) -> int:
        if self.num_classes is not None:
            return self.num_classes
        classes = (self.dataset_meta or {}).get('classes')
        if classes is not None:
            return len(classes)
        widths = {r['width'] for r in results} - {None}
        if len(widths) != 1:
            raise ValueError(
                'FERMetric: cannot infer the number of classes (no '
                '`num_classes`, no dataset_meta classes, score widths '
                f'{sorted(widths)}); set `num_classes`')
        return widths.pop()

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Compute the metrics of all collected samples; see the class
        docstring for the definitions."""
        num_classes = self._num_classes(results)
        names = self._class_names(num_classes)
        pred = torch.tensor([r['pred_label'] for r in results])
        gt = torch.tensor([r['gt_label'] for r in results])
        for what, labels in (('ground-truth', gt), ('predicted', pred)):
            if labels.numel() and (labels.min() < 0
                                   or labels.max() >= num_classes):
                raise ValueError(
                    f'FERMetric: {what} label out of range [0, '
                    f'{num_classes}): {labels.min()}..{labels.max()}')
        matrix = ConfusionMatrix.calculate(pred, gt, num_classes=num_classes)
        summary = self.summarize(matrix, names)
        if self.out_dir is not None:
            self.save(summary, matrix, names)
            self.save_predictions(results)
        return summary

    @staticmethod
    def summarize(matrix: torch.Tensor,
                  names: Sequence[str]) -> Dict[str, float]:
        """Metrics (in %) from a confusion matrix.

        Args:
            matrix: ``(K, K)`` counts, rows ground truth, columns prediction.
            names: ``K`` class names for the per-class keys.

        Returns:
            dict[str, float]: The keys listed in the class docstring.
        """
        matrix = matrix.double()
        total = matrix.sum()
        if total == 0:
            raise ValueError('FERMetric: no samples to evaluate')
        tp = matrix.diag()
        support, predicted = matrix.sum(1), matrix.sum(0)
        in_gt = support > 0
        seen = in_gt | (predicted > 0)
        f1 = 2 * tp / (support + predicted).clamp(min=1) * 100
        recall = tp / support.clamp(min=1) * 100
        unseen = [n for n, s in zip(names, seen.tolist()) if not s]
        if unseen:
            print_log(
                f'FERMetric: {len(unseen)} class(es) neither in the ground '
                f'truth nor predicted, left out of the averages: {unseen}',
                logger='current',
                level=30)
        gt_f1 = f1[in_gt]
        out = dict(
            accuracy=float(tp.sum() / total * 100),
            macro_f1=float(f1[seen].mean()),
            weighted_f1=float((f1 * support).sum() / total),
            balanced_accuracy=float(recall[in_gt].mean()),
            f1_min=float(gt_f1.min()),
            f1_max=float(gt_f1.max()),
            f1_range=float(gt_f1.max() - gt_f1.min()))
        for name, value, keep in zip(names, f1.tolist(), seen.tolist()):
            if keep:
                out[f'f1_{name}'] = value
        return out

    def save_predictions(self, results: List[dict]) -> None:
        """Write ``<prefix>_predictions.csv`` into ``out_dir``."""
        path = osp.join(self.out_dir, f"{self.prefix or 'fer'}_predictions.csv")
        with open(path, 'w', newline='', encoding='utf-8') as f:
            writer = csv.writer(f)
            writer.writerow(['img_path', 'gt_label', 'pred_label'])
            writer.writerows([r['img_path'], r['gt_label'], r['pred_label']]
                             for r in results)

    def save(self, summary: Dict[str, float], matrix: torch.Tensor,
             names: Sequence[str]) -> None:
        """Write ``<prefix>_metrics.json`` and
        ``<prefix>_confusion_matrix.png`` into ``out_dir``."""
        os.makedirs(self.out_dir, exist_ok=True)
        stem = osp.join(self.out_dir, self.prefix or 'fer')
        with open(f'{stem}_metrics.json', 'w', encoding='utf-8') as f:
            json.dump(
                dict(
                    metrics=summary,
                    classes=list(names),
                    num_samples=int(matrix.sum()),
                    confusion_matrix=matrix.tolist()),
                f,
                indent=2)
        # Whole percentages: ConfusionMatrix.plot formats values as integers.
        percent = (matrix.double() * 100 /
                   matrix.sum(1, keepdim=True).clamp(min=1)).round().long()
        import matplotlib.pyplot as plt
        fig = ConfusionMatrix.plot(
            percent,
            include_values=True,
            cmap='Blues',
            classes=list(names),
            show=False)
        fig.axes[0].set_title(
            f'Confusion matrix (% of each true class), '
            f'N={int(matrix.sum())}, accuracy {summary["accuracy"]:.2f}%',
            pad=30)
        fig.savefig(
            f'{stem}_confusion_matrix.png', dpi=100, bbox_inches='tight')
        plt.close(fig)
        print_log(
            f'FERMetric: wrote {stem}_metrics.json and '
            f'{stem}_confusion_matrix.png',
            logger='current')
