"""Spatial Quad-Similarity (eq. 6-10) against an independent computation."""
import math

import numpy as np
import pytest
import torch

from sqsnet_mm.models import SpatialQuadSimilarity

PARAMS = dict(tau=0.7, alpha=1.3, beta=0.4, gamma=0.6, margin=0.5)


def reference(maps, normalize, tau, alpha, beta, gamma, margin):
    """Eq. 6, 7, 8 and 10 location by location with numpy loops."""
    f_a, f_p, f_n1, f_n2 = (m.numpy() for m in maps)
    n, _, h, w = f_a.shape
    sims = np.zeros((3, n, h, w))
    refined = np.zeros_like(f_a)
    hinge = 0.0
    for b in range(n):
        for i in range(h):
            for j in range(w):
                a = f_a[b, :, i, j]
                others = [f[b, :, i, j] for f in (f_p, f_n1, f_n2)]
                if normalize:
                    a_n = a / np.linalg.norm(a)
                    others = [o / np.linalg.norm(o) for o in others]
                else:
                    a_n = a
                s = [math.exp(-np.sum((a_n - o)**2) / tau) for o in others]
                sims[:, b, i, j] = s
                r = alpha * s[0] - beta * (s[1] + s[2])
                refined[b, :, i, j] = a + gamma * r * a
                hinge += max(0.0, margin + s[1] - s[0]) + max(
                    0.0, margin + s[2] - s[0])
    return sims, refined, hinge / (n * h * w)


@pytest.mark.parametrize('normalize', [True, False])
def test_equations_6_to_10_match_reference(normalize):
    gen = torch.Generator().manual_seed(0)
    # Raw features on a small scale so that exp(-d) stays informative.
    scale = 1.0 if normalize else 0.15
    maps = [
        scale * torch.randn(3, 5, 2, 3, generator=gen, dtype=torch.float64)
        for _ in range(4)
    ]
    # Make the positive close to the anchor so both hinge branches occur.
    maps[1] = maps[0] + 0.3 * scale * torch.randn(
        3, 5, 2, 3, generator=gen, dtype=torch.float64)
    sqs = SpatialQuadSimilarity(normalize=normalize, **PARAMS)
    out = sqs(*maps)
    sims, refined, loss = reference(maps, normalize, **PARAMS)
    for k, key in enumerate(('sim_ap', 'sim_an1', 'sim_an2')):
        assert out[key].shape == (3, 2, 3)
        np.testing.assert_allclose(out[key].numpy(), sims[k], rtol=1e-12)
    np.testing.assert_allclose(out['refined'].numpy(), refined, rtol=1e-12)
    assert out['loss'].dim() == 0
    np.testing.assert_allclose(out['loss'].item(), loss, rtol=1e-12)
    # Non-trivial case: the reference loss is strictly between 0 and 2m.
    assert 0 < loss < 2 * PARAMS['margin']


def test_raw_features_stall_at_2m_without_gradient():
    """docs/design.md, decision 2: why normalised features are the default."""
    gen = torch.Generator().manual_seed(1)
    # Realistic post-activation maps: 1024 channels, unit-scale activations.
    maps = [
        torch.relu(torch.randn(4, 1024, 7, 7, generator=gen)).requires_grad_()
        for _ in range(4)
    ]
    margin = 0.5
    raw = SpatialQuadSimilarity(normalize=False, margin=margin)(*maps)
    assert raw['loss'].item() == 2 * margin
    assert raw['sim_ap'].max().item() == 0.0
    raw['loss'].backward()
    assert all(m.grad is None or not m.grad.any() for m in maps)

    normed = SpatialQuadSimilarity(normalize=True, margin=margin)(*maps)
    assert normed['loss'].item() < 2 * margin
    normed['loss'].backward()
    assert maps[0].grad.abs().sum() > 0


def test_learnable_coefficients_and_buffers():
    sqs = SpatialQuadSimilarity(learnable=('alpha', 'gamma'))
    names = {n for n, _ in sqs.named_parameters()}
    assert names == {'alpha', 'gamma'}
    assert set(n for n, _ in SpatialQuadSimilarity(
        learnable=True).named_parameters()) == {'alpha', 'beta', 'gamma'}
    assert not list(SpatialQuadSimilarity().parameters())
    maps = [torch.randn(2, 8, 3, 3) for _ in range(4)]
    sqs(*maps)['refined'].sum().backward()
    assert sqs.alpha.grad is not None and sqs.gamma.grad is not None
    with pytest.raises(ValueError, match='delta'):
        SpatialQuadSimilarity(learnable=('delta', ))


def test_mismatched_shapes_are_named():
    sqs = SpatialQuadSimilarity()
    good = torch.randn(2, 8, 3, 3)
    with pytest.raises(ValueError, match=r'f_n2.*\(2, 8, 4, 3\)'):
        sqs(good, good, good, torch.randn(2, 8, 4, 3))
    with pytest.raises(ValueError, match='N x C x H x W'):
        sqs(good, good, good, torch.randn(2, 8))
