"""SQSNet's hybrid CNN + transformer backbone (paper sec. 3.2)."""
import copy
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

EFFICIENTNET_B6 = dict(type='EfficientNet', arch='b6')
SWIN_SMALL = dict(type='SwinTransformer', arch='small', img_size=224)
_FUSIONS = dict(
    cross_attention='CrossAttentionFusion', concat='ConcatFusion')
_UNSET = object()


class _Projection(nn.Module):
    """1x1 convolution to the common width followed by channel LayerNorm."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 1)
        self.norm = nn.LayerNorm(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(x)
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


@MODELS.register_module()
class HybridFusionBackbone(BaseModule):
    """A local (CNN) and a global (transformer) branch fused into one map.

    The paper (sec. 3.2) pairs EfficientNet-B6 (2304-channel last stage) with
    Swin-S (768 channels), projects both to ``d3 = 1024`` and fuses them by
    cross-attention (eq. 3-4). Each branch here is any backbone config of the
    MMPretrain registry (``EfficientNet``, ``SwinTransformer``,
    ``TIMMBackbone``, ``ResNet`` ...); its last output map is projected by a
    1x1 convolution and LayerNorm to ``embed_dims``. The fused output is one
    ``(N, embed_dims, H, W)`` map on the local branch's grid, returned as a
    one-element tuple like every MMPretrain backbone.

    Either branch can be switched off for the ablations of Table 7: with
    ``local=None`` ("w/o CNN") or ``global_=None`` ("w/o Swin") the output is
    the other branch's projected map and no fusion module is built. A global
    grid that differs from the local grid is handled by the fusion module
    (cross-attention takes any number of keys; concatenation resizes).

    Args:
        local (dict, optional): Config of the local (CNN) branch. Defaults to
            MMPretrain's EfficientNet-B6. ``None`` removes the branch.
        global_ (dict, optional): Config of the global (transformer) branch.
            Defaults to MMPretrain's Swin-S at 224 px. ``None`` removes the
            branch. The keyword ``global`` is accepted too (through
            ``**kwargs``, since it is a Python keyword).
        embed_dims (int): Common width ``d3`` after projection. Defaults to
            1024 as in the paper.
        fusion (str | dict): ``'cross_attention'`` (default, eq. 3-4 on token
            grids, docs/design.md, decision 1), ``'concat'`` (the figure's
            wording), or a full config of a fusion module taking
            ``(query_map, key_map)``.
        num_heads (int): Attention heads of the default cross-attention.
            Defaults to 8.
        local_channels (int, optional): Channels of the local branch's last
            map; inferred by a probe forward pass when ``None``.
        global_channels (int, optional): Same for the global branch.
        probe_size (int): Input size of the probe pass. Defaults to 224.
        out_local (bool): Return the local branch's projected map before
            fusion too, as ``(local_map, fused_map)``, so that SQS can act
            on the CNN branch's own map (``SQSClsHead(sqs_in_index=0)``).
            Defaults to False.
        init_cfg (dict, optional): Initialisation config. Each branch keeps
            its own ``init_cfg`` (e.g. ``dict(type='Pretrained', ...)``).
    """

    def __init__(self,
                 local: Optional[dict] = EFFICIENTNET_B6,
                 global_: Union[dict, None, object] = _UNSET,
                 embed_dims: int = 1024,
                 fusion: Union[str, dict] = 'cross_attention',
                 num_heads: int = 8,
                 local_channels: Optional[int] = None,
                 global_channels: Optional[int] = None,
                 probe_size: int = 224,
                 out_local: bool = False,
                 init_cfg: Optional[dict] = None,
                 **kwargs) -> None:
        if 'global' in kwargs:
            if global_ is not _UNSET:
                raise TypeError('give the global branch as either `global` '
                                'or `global_`, not both')
            global_ = kwargs.pop('global')
        if kwargs:
            raise TypeError('HybridFusionBackbone got unexpected arguments '
                            f'{sorted(kwargs)}')
        if global_ is _UNSET:
            global_ = SWIN_SMALL
        if local is None and global_ is None:
            raise ValueError('HybridFusionBackbone needs at least one branch; '
                             'both `local` and `global_` are None')
        super().__init__(init_cfg=init_cfg)
        self.embed_dims = embed_dims
        self.local_branch = self._build(local)
        self.global_branch = self._build(global_)
        self.local_proj = self._projection(self.local_branch, local_channels,
                                           probe_size)
        self.global_proj = self._projection(self.global_branch,
                                            global_channels, probe_size)
        if out_local and (local is None or global_ is None):
            raise ValueError('out_local=True needs both branches: without '
                             'fusion the output already is one branch map')
        self.out_local = out_local
        self.fusion = None
        if local is not None and global_ is not None:
            if isinstance(fusion, str):
                if fusion not in _FUSIONS:
                    raise ValueError(f'unknown fusion {fusion!r}; choose one '
                                     f'of {sorted(_FUSIONS)} or give a config')
                fusion = dict(type=_FUSIONS[fusion], embed_dims=embed_dims)
                if fusion['type'] == 'CrossAttentionFusion':
                    fusion['num_heads'] = num_heads
            self.fusion = MODELS.build(fusion)

    @staticmethod
    def _build(cfg: Optional[dict]) -> Optional[nn.Module]:
        return None if cfg is None else MODELS.build(copy.deepcopy(cfg))

    @staticmethod
    def _last_map(outs: Union[torch.Tensor, Tuple[torch.Tensor]],
                  name: str) -> torch.Tensor:
        feature = outs[-1] if isinstance(outs, (tuple, list)) else outs
        if feature.dim() != 4:
            raise ValueError(
                f'the {name} branch must output N x C x H x W maps, got shape '
                f'{tuple(feature.shape)}; configure it to return spatial maps '
                '(e.g. no global pooling, features_only=True for timm)')
        return feature

    def _projection(self, branch: Optional[nn.Module],
                    channels: Optional[int],
                    probe_size: int) -> Optional[_Projection]:
        if branch is None:
            return None
        if channels is None:
            was_training = branch.training
            branch.eval()
            with torch.no_grad():
                probe = torch.zeros(1, 3, probe_size, probe_size)
                channels = self._last_map(branch(probe), 'probe').shape[1]
            branch.train(was_training)
        return _Projection(channels, self.embed_dims)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        """Return the ``(N, embed_dims, H, W)`` fused map in a tuple, after
        the local branch's projected map when ``out_local``."""
        local_map = global_map = None
        if self.local_branch is not None:
            local_map = self.local_proj(
                self._last_map(self.local_branch(x), 'local'))
        if self.global_branch is not None:
            global_map = self.global_proj(
                self._last_map(self.global_branch(x), 'global'))
        if self.fusion is None:
            return (local_map if global_map is None else global_map, )
        fused = self.fusion(local_map, global_map)
        return (local_map, fused) if self.out_local else (fused, )
