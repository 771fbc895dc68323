"""Per-face prediction records and their JSON / CSV files.

A record is a JSON-serialisable dict::

    {'source': 'photos/a.jpg', 'frame': None,   # frame index for videos
     'face': 0, 'box': [x, y, w, h],            # pixels of the image
     'detection_score': 0.998,                  # None for Haar / whole
     'landmarks': [[x, y], ...],                # MTCNN's 5 points, or None
     'aligned': True, 'rotation': -4.1,         # eye-line rotation (deg)
     'label': 'happiness', 'score': 0.91,
     'probabilities': {'surprise': 0.01, ...}}  # all classes, sum 1
"""
import csv
import json
import os
import os.path as osp
from typing import List, Sequence

import numpy as np

from .face_detectors import Face
from .sources import Frame


def make_face_record(frame: Frame, face_index: int, face: Face,
                     rotation: float, aligned: bool, classes: Sequence[str],
                     scores: np.ndarray) -> dict:
    """The record of one classified face.

    Args:
        frame (Frame): The frame the face is in.
        face_index (int): Index of the face in the frame (left to right).
        face (Face): The detection.
        rotation (float): Rotation applied to level the eyes (degrees).
        aligned (bool): Whether the crop was aligned on the eyes.
        classes (Sequence[str]): Class names.
        scores (np.ndarray): Class probabilities, ``len(classes)``.
    """
    label = int(np.argmax(scores))
    return dict(
        source=frame.source,
        frame=frame.index,
        face=face_index,
        box=[int(v) for v in face.box],
        detection_score=None if face.score is None else float(face.score),
        landmarks=None if face.landmarks is None else
        [[round(float(x), 2), round(float(y), 2)] for x, y in face.landmarks],
        aligned=aligned,
        rotation=round(float(rotation), 2),
        label=classes[label],
        score=float(scores[label]),
        probabilities={
            c: float(p)
            for c, p in zip(classes, scores)
        })


def dump_records(records: List[dict], path: str) -> None:
    """Write records to ``.json`` (a list) or ``.csv`` (one row per face,
    box as ``x, y, w, h``, the detection score (empty for detectors
    without one) and one ``p_<class>`` column per class; no landmarks)."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    if path.endswith('.json'):
        with open(path, 'w', encoding='utf-8') as f:
            json.dump(records, f, indent=1)
        return
    if not path.endswith('.csv'):
        raise ValueError(f'output must end with .json or .csv: {path}')
    classes = list(records[0]['probabilities']) if records else []
    fields = [
        'source', 'frame', 'face', 'x', 'y', 'w', 'h', 'detection_score',
        'aligned', 'rotation', 'label', 'score'
    ] + [f'p_{c}' for c in classes]
    with open(path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for r in records:
            row = {k: r[k] for k in fields if k in r}
            row.update(zip('xywh', r['box']))
            row.update({f'p_{c}': r['probabilities'][c] for c in classes})
            writer.writerow(row)
