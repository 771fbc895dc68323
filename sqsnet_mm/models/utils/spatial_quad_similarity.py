"""Spatial Quad-Similarity, SQSNet's training-only module (paper sec. 3.3).

Built and weighted by :class:`SQSClsHead`, which owns every SQS loss term.
"""
from typing import Dict, Iterable, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

_COEFFICIENTS = ('alpha', 'beta', 'gamma')


@MODELS.register_module()
class SpatialQuadSimilarity(BaseModule):
    """Compare an anchor map with a positive and two negatives per location.

    For four ``(N, C, H, W)`` maps ``f_a, f_p, f_n1, f_n2`` and every spatial
    location ``(i, j)``:

    .. math::
        S_{AP} = \\exp(-\\lVert f_A - f_P \\rVert^2 / \\tau)
        \\quad (S_{AN_1}, S_{AN_2} \\text{ likewise}) \\qquad (6)

        R = \\alpha S_{AP} - \\beta (S_{AN_1} + S_{AN_2}) \\qquad (7)

        f_A' = f_A + \\gamma R f_A \\qquad (8)

        L_{SQS} = \\mathrm{mean}_{ij}[\\max(0, m + S_{AN_1} - S_{AP})
        + \\max(0, m + S_{AN_2} - S_{AP})] \\qquad (10)

    docs/design.md, decision 2: the distances of eq. 6 are taken between
    L2-normalised per-location feature vectors (distance in [0, 4]). On raw
    1024-channel features the squared distance is in the hundreds,
    ``exp(-d / tau)`` underflows to 0 and eq. 10 sits at the constant ``2m``
    with no gradient; ``normalize=False`` keeps that raw form. The refinement
    of eq. 8 always scales the unnormalised anchor map.

    The module has no parameters of its own unless some of ``alpha``,
    ``beta``, ``gamma`` are learnable (fixed ones are plain floats, exact in
    any dtype), and is used in training only.

    Args:
        tau (float): Temperature of eq. 6. Defaults to 1.0 (sec. 4.6).
        alpha (float): Weight of the positive similarity in eq. 7.
            Defaults to 1.0.
        beta (float): Weight of the negative similarities in eq. 7.
            Defaults to 0.5.
        gamma (float): Strength of the refinement of eq. 8. Defaults to 0.5.
        margin (float): Margin ``m`` of eq. 10. Defaults to 0.5.
        learnable (bool | Iterable[str]): Which of ``alpha``, ``beta``,
            ``gamma`` are trained (``True`` for all). Defaults to ``()``.
        normalize (bool): L2-normalise each location's feature vector before
            eq. 6. Defaults to True.
        eps (float): Numerical floor of the normalisation. Defaults to 1e-6.
        detach_relation (bool): Stop the gradient of ``R`` in eq. 8, so the
            enhanced classifier's loss cannot move the similarities of
            eq. 6 (only eq. 10 shapes them). Defaults to False (the paper).
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 tau: float = 1.0,
                 alpha: float = 1.0,
                 beta: float = 0.5,
                 gamma: float = 0.5,
                 margin: float = 0.5,
                 learnable: Union[bool, Iterable[str]] = (),
                 normalize: bool = True,
                 eps: float = 1e-6,
                 detach_relation: bool = False,
                 init_cfg: Union[dict, None] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if tau <= 0:
            raise ValueError(f'tau must be > 0, got {tau}')
        if margin < 0:
            raise ValueError(f'margin must be >= 0, got {margin}')
        learnable = set(_COEFFICIENTS if learnable is True else
                        () if learnable is False else learnable)
        unknown = learnable - set(_COEFFICIENTS)
        if unknown:
            raise ValueError(f'learnable may name {_COEFFICIENTS}, got '
                             f'{sorted(unknown)}')
        for name, value in zip(_COEFFICIENTS, (alpha, beta, gamma)):
            setattr(
                self, name,
                nn.Parameter(torch.tensor(float(value)))
                if name in learnable else float(value))
        self.tau = tau
        self.margin = margin
        self.normalize = normalize
        self.eps = eps
        self.detach_relation = detach_relation

    def similarity(self, f_a: torch.Tensor, f_b: torch.Tensor) -> torch.Tensor:
        """Eq. 6 at every location: ``(N, C, H, W) x 2 -> (N, H, W)``."""
        if self.normalize:
            f_a = F.normalize(f_a, dim=1, eps=self.eps)
            f_b = F.normalize(f_b, dim=1, eps=self.eps)
        sq_dist = (f_a - f_b).pow(2).sum(dim=1)
        return torch.exp(-sq_dist / self.tau)

    @staticmethod
    def _check_shapes(**maps: torch.Tensor) -> None:
        shapes = {k: tuple(v.shape) for k, v in maps.items()}
        if any(len(s) != 4 for s in shapes.values()):
            raise ValueError('SpatialQuadSimilarity needs four N x C x H x W '
                             f'maps, got shapes {shapes}')
        if len(set(shapes.values())) != 1:
            raise ValueError('SpatialQuadSimilarity needs four maps of one '
                             f'shape, got {shapes}')

    def forward(self, f_a: torch.Tensor, f_p: torch.Tensor,
                f_n1: torch.Tensor,
                f_n2: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Apply eq. 6-8 and 10 to a batch of quads.

        Args:
            f_a (torch.Tensor): Anchor maps ``(N, C, H, W)``.
            f_p (torch.Tensor): Positive maps (same class as the anchor).
            f_n1 (torch.Tensor): First negative maps (another class).
            f_n2 (torch.Tensor): Second negative maps (another class).

        Returns:
            dict: ``refined`` ``(N, C, H, W)`` (eq. 8), ``loss`` scalar
            (eq. 10, mean over batch and locations), ``sim_ap``,
            ``sim_an1``, ``sim_an2`` ``(N, H, W)`` (eq. 6) and ``relation``
            ``(N, H, W)`` (eq. 7).
        """
        self._check_shapes(f_a=f_a, f_p=f_p, f_n1=f_n1, f_n2=f_n2)
        sim_ap = self.similarity(f_a, f_p)
        sim_an1 = self.similarity(f_a, f_n1)
        sim_an2 = self.similarity(f_a, f_n2)
        relation = self.alpha * sim_ap - self.beta * (sim_an1 + sim_an2)
        gate = relation.detach() if self.detach_relation else relation
        refined = f_a + self.gamma * gate.unsqueeze(1) * f_a
        loss = (F.relu(self.margin + sim_an1 - sim_ap) +
                F.relu(self.margin + sim_an2 - sim_ap)).mean()
        return dict(
            refined=refined,
            loss=loss,
            sim_ap=sim_ap,
            sim_an1=sim_an1,
            sim_an2=sim_an2,
            relation=relation)
