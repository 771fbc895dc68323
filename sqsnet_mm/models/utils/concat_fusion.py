"""Channel concatenation fusion, the wording of the paper's figure."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class ConcatFusion(BaseModule):
    """Concatenate two projected maps along channels and mix them back.

    The key map is bilinearly resized to the query grid when the two grids
    differ, then ``[F_q ; F_k]`` (2d channels) is reduced to d channels by a
    1x1 convolution with batch normalisation and GELU. Kept for the ablation
    against :class:`CrossAttentionFusion` (docs/design.md, decision 1).

    Args:
        embed_dims (int): Width d of both inputs and of the output.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 embed_dims: int = 1024,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.mix = nn.Sequential(
            nn.Conv2d(2 * embed_dims, embed_dims, 1, bias=False),
            nn.BatchNorm2d(embed_dims), nn.GELU())

    def forward(self, query_map: torch.Tensor,
                key_map: torch.Tensor) -> torch.Tensor:
        """Fuse ``(N, d, Hq, Wq)`` and ``(N, d, Hk, Wk)`` into the query
        grid."""
        if query_map.shape[:2] != key_map.shape[:2]:
            raise ValueError(
                'ConcatFusion needs the same batch and width on both maps, '
                f'got {tuple(query_map.shape)} and {tuple(key_map.shape)}')
        if key_map.shape[-2:] != query_map.shape[-2:]:
            key_map = F.interpolate(
                key_map,
                size=query_map.shape[-2:],
                mode='bilinear',
                align_corners=False)
        return self.mix(torch.cat([query_map, key_map], dim=1))
