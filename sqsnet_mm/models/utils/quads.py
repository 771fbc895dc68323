"""Positions of anchors, positives and negatives inside a training batch."""
from typing import List, Tuple

import torch
from mmpretrain.structures import DataSample

QuadIndex = Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def hard_labels(data_samples: List[DataSample]) -> torch.Tensor:
    """One integer class per sample, from ``gt_label``.

    Raises:
        ValueError: If a sample has no label or more than one.
    """
    labels = []
    for i, sample in enumerate(data_samples):
        label = sample.get('gt_label')
        if label is None or label.numel() != 1:
            raise ValueError(
                f'sample {i} of the batch needs exactly one gt_label for SQS, '
                f'got {None if label is None else label.tolist()}')
        labels.append(label.reshape(()))
    return torch.stack(labels)


def split_quads(labels: torch.Tensor) -> QuadIndex:
    """Read a batch laid out as quads (anchor, positive, negative 1,
    negative 2), the order :class:`QuadSampler` produces.

    Args:
        labels (torch.Tensor): ``(4k,)`` hard labels of the batch.

    Returns:
        tuple: Batch positions of anchors, positives, negatives 1 and 2.

    Raises:
        ValueError: If the batch size is not a multiple of 4, or a quad's
            positive has another label than its anchor, or a negative has
            the anchor's label; the message names the quad and labels.
    """
    size = labels.numel()
    if size == 0 or size % 4:
        raise ValueError(
            f'quad mode needs a batch whose size is a multiple of 4 '
            f'(anchor, positive, negative 1, negative 2), got {size}; use '
            'QuadSampler and a batch_size divisible by 4')
    quads = labels.reshape(-1, 4)
    bad_pos = (quads[:, 1] != quads[:, 0]).nonzero().flatten()
    if bad_pos.numel():
        q = int(bad_pos[0])
        raise ValueError(
            f'quad {q} (batch positions {4 * q}-{4 * q + 3}) has labels '
            f'{quads[q].tolist()}: its positive has label '
            f'{int(quads[q, 1])}, not the anchor label {int(quads[q, 0])}')
    bad_neg = ((quads[:, 2] == quads[:, 0]) |
               (quads[:, 3] == quads[:, 0])).nonzero().flatten()
    if bad_neg.numel():
        q = int(bad_neg[0])
        raise ValueError(
            f'quad {q} (batch positions {4 * q}-{4 * q + 3}) has labels '
            f'{quads[q].tolist()}: a negative has the anchor label '
            f'{int(quads[q, 0])}')
    base = torch.arange(0, size, 4, device=labels.device)
    return base, base + 1, base + 2, base + 3


def mine_in_batch(labels: torch.Tensor) -> QuadIndex:
    """In-batch quads (docs/design.md, decision 4): every image is an anchor.

    For each anchor a positive is drawn among the other images of its class,
    negative 1 from a random other class of the batch and negative 2 from a
    second other class when the batch holds one (otherwise from the same
    other class). Draws use torch's global generator, which mmengine seeds.
    Anchors without a positive or a negative in the batch are left out.

    Args:
        labels (torch.Tensor): ``(N,)`` hard labels.

    Returns:
        tuple: Positions of anchors, positives, negatives 1 and 2 (possibly
        empty).
    """
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    pos_mask = same & ~eye
    neg_mask = ~same
    valid = pos_mask.any(1) & neg_mask.any(1)
    anchors = valid.nonzero().flatten()
    noise = torch.rand(len(labels), len(labels), device=labels.device)
    positives = torch.where(pos_mask, noise, -1.0)[anchors].argmax(1)
    neg_score = torch.where(neg_mask, noise, -1.0)[anchors]
    negatives1 = neg_score.argmax(1)
    other_class = neg_mask[anchors] & (labels[None, :] !=
                                       labels[negatives1][:, None])
    has_second = other_class.any(1)
    second = torch.where(other_class, noise[anchors], -1.0).argmax(1)
    neg_score.scatter_(1, negatives1[:, None], -1.0)
    fallback = neg_score.argmax(1)
    fallback = torch.where(neg_score.max(1).values >= 0, fallback, negatives1)
    negatives2 = torch.where(has_second, second, fallback)
    return anchors, positives, negatives1, negatives2
