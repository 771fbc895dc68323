"""Crop an image to the face box its annotation gives (AffectNet CSV)."""
from typing import Optional

from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CropFaceBox(BaseTransform):
    """Crop ``img`` to ``face_box`` (x1, y1, x2, y2), enlarged by a margin.

    Place it right after ``LoadImageFromFile``. The box is enlarged by
    ``margin`` times its width and height on each side and clipped to the
    image. An entry without ``face_box`` or a box outside the image is an
    error naming the image.

    Required keys: ``img``, ``face_box``, ``img_path``.
    Modified keys: ``img``, ``img_shape``.

    Args:
        margin (float): Relative margin on each side. Defaults to 0.
    """

    def __init__(self, margin: float = 0.0):
        if margin < 0:
            raise ValueError(f'CropFaceBox: margin must be >= 0, got {margin}')
        self.margin = margin

    def transform(self, results: dict) -> Optional[dict]:
        """Crop the image of ``results`` in place."""
        path = results.get('img_path', '<unknown image>')
        if 'face_box' not in results:
            raise KeyError(f'{path}: CropFaceBox needs a face_box, which '
                           'this data set does not provide')
        x1, y1, x2, y2 = results['face_box']
        dx, dy = self.margin * (x2 - x1), self.margin * (y2 - y1)
        height, width = results['img'].shape[:2]
        left, top = max(0, int(x1 - dx)), max(0, int(y1 - dy))
        right = min(width, int(round(x2 + dx)))
        bottom = min(height, int(round(y2 + dy)))
        if right <= left or bottom <= top:
            raise ValueError(
                f'{path}: face box {tuple(results["face_box"])} lies outside '
                f'the {width}x{height} image')
        results['img'] = results['img'][top:bottom, left:right]
        results['img_shape'] = results['img'].shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(margin={self.margin})'
