"""Test-time augmentation pipelines from a list of views."""
import copy
from typing import List, Sequence

__all__ = ['build_tta_pipeline']


def build_tta_pipeline(test_pipeline: Sequence[dict],
                       views: Sequence[dict]) -> List[dict]:
    """Turn a test pipeline into mmpretrain's ``TestTimeAug`` pipeline.

    The views are applied after every step of ``test_pipeline`` but the last
    (the packing step), so they see the image at its final test size and
    stay independent of the data set's resolution::

        [*test_pipeline[:-1],
         dict(type='TestTimeAug', transforms=[views, [test_pipeline[-1]]])]

    Each view yields one augmented copy of every image; ``AverageClsScoreTTA``
    then averages the class scores of the copies.

    Args:
        test_pipeline: The data set's test pipeline, ending with the packing
            transform (``PackInputs``).
        views: One transform config per view, e.g.
            ``dict(type='RandomFlip', prob=0.)`` for the unchanged image.

    Returns:
        list[dict]: The TTA pipeline (a deep copy; inputs are not modified).
    """
    if not test_pipeline:
        raise ValueError('test_pipeline is empty: nothing to build TTA on')
    if not views:
        raise ValueError('tta views are empty: give at least one view')
    pipeline = copy.deepcopy(list(test_pipeline))
    pack = pipeline.pop()
    pipeline.append(
        dict(
            type='TestTimeAug',
            transforms=[copy.deepcopy(list(views)), [pack]]))
    return pipeline
