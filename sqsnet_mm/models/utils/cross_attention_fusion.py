"""Token-level cross-attention fusion of two feature maps (paper eq. 3-4)."""
import math
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


def sine_position_encoding(height: int, width: int, dims: int,
                           device: torch.device,
                           dtype: torch.dtype) -> torch.Tensor:
    """2-D sine-cosine position encoding on normalised coordinates.

    Coordinates are scaled to ``[0, 1]`` so that two grids of different size
    (for example a 7x7 CNN map and a 14x14 transformer map) put the same
    image position at the same code, which is what lets queries of one grid
    find the matching keys of the other.

    Args:
        height (int): Grid height.
        width (int): Grid width.
        dims (int): Channels of the code; must be a multiple of 4.
        device (torch.device): Device of the result.
        dtype (torch.dtype): Dtype of the result.

    Returns:
        torch.Tensor: ``(height * width, dims)``.
    """
    if dims % 4:
        raise ValueError(f'position encoding needs dims % 4 == 0, got {dims}')
    quarter = dims // 4
    freqs = torch.exp(
        torch.arange(quarter, device=device, dtype=torch.float32) *
        (-math.log(10000.0) / quarter)) * math.pi
    ys = torch.linspace(0, 1, height, device=device)
    xs = torch.linspace(0, 1, width, device=device)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing='ij')
    ang_y = grid_y.reshape(-1, 1) * freqs * height
    ang_x = grid_x.reshape(-1, 1) * freqs * width
    code = torch.cat(
        [ang_y.sin(), ang_y.cos(),
         ang_x.sin(), ang_x.cos()], dim=1)
    return code.to(dtype)


@MODELS.register_module()
class CrossAttentionFusion(BaseModule):
    """Multi-head cross-attention from local (CNN) tokens to global tokens.

    docs/design.md, decision 1: the paper's eq. 3-4 are applied to token
    grids, not to pooled vectors (with one key the softmax is 1 and the
    attention would return ``V`` unchanged). Queries are the projected CNN
    tokens, keys and values the projected Swin tokens:

    .. math::
        Q = F_{cnn} W_Q,\\; K = F_{swin} W_K,\\; V = F_{swin} W_V
        \\qquad (3)

        F_{fused} = \\mathrm{softmax}(Q K^T / \\sqrt{d}) V \\qquad (4)

    followed, as in a transformer decoder layer, by a residual connection,
    layer normalisation and a feed-forward block. The output keeps the query
    grid, so the fused map has the CNN's spatial layout, which is the map
    that Spatial Quad-Similarity compares location by location.

    Args:
        embed_dims (int): Width ``d3`` of both token sets and the output
            (1024 in the paper).
        num_heads (int): Attention heads. Defaults to 8.
        ffn_ratio (float): Hidden width of the feed-forward block relative to
            ``embed_dims``. Defaults to 2.
        dropout (float): Dropout in attention and feed-forward. Defaults to 0.
        pos_encoding (bool): Add a normalised 2-D sine position code to
            queries and keys. Defaults to True.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 embed_dims: int = 1024,
                 num_heads: int = 8,
                 ffn_ratio: float = 2.0,
                 dropout: float = 0.0,
                 pos_encoding: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if embed_dims % num_heads:
            raise ValueError(f'embed_dims={embed_dims} is not divisible by '
                             f'num_heads={num_heads}')
        self.embed_dims = embed_dims
        self.pos_encoding = pos_encoding
        self.attn = nn.MultiheadAttention(
            embed_dims, num_heads, dropout=dropout, batch_first=True)
        self.norm1 = nn.LayerNorm(embed_dims)
        hidden = int(embed_dims * ffn_ratio)
        self.ffn = nn.Sequential(
            nn.Linear(embed_dims, hidden), nn.GELU(), nn.Dropout(dropout),
            nn.Linear(hidden, embed_dims), nn.Dropout(dropout))
        self.norm2 = nn.LayerNorm(embed_dims)

    def forward(self, query_map: torch.Tensor,
                key_map: torch.Tensor) -> torch.Tensor:
        """Fuse two maps.

        Args:
            query_map (torch.Tensor): ``(N, d, Hq, Wq)`` projected CNN map.
            key_map (torch.Tensor): ``(N, d, Hk, Wk)`` projected Swin map;
                its grid may differ from the query grid.

        Returns:
            torch.Tensor: ``(N, d, Hq, Wq)`` fused map.
        """
        if query_map.shape[:2] != key_map.shape[:2]:
            raise ValueError(
                'CrossAttentionFusion needs the same batch and width on both '
                f'maps, got query {tuple(query_map.shape)} and key '
                f'{tuple(key_map.shape)}')
        n, d, hq, wq = query_map.shape
        hk, wk = key_map.shape[2:]
        q = query_map.flatten(2).transpose(1, 2)
        kv = key_map.flatten(2).transpose(1, 2)
        q_in, k_in = q, kv
        if self.pos_encoding:
            q_in = q + sine_position_encoding(hq, wq, d, q.device, q.dtype)
            k_in = kv + sine_position_encoding(hk, wk, d, kv.device, kv.dtype)
        attended, _ = self.attn(q_in, k_in, kv, need_weights=False)
        x = self.norm1(q + attended)
        x = self.norm2(x + self.ffn(x))
        return x.transpose(1, 2).reshape(n, d, hq, wq)

