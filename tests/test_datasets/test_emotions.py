"""Emotion names and their canonical form."""
import pytest

from sqsnet_mm.datasets import canonical_emotion


def test_canonical_emotion():
    assert canonical_emotion(' Happy ') == 'happiness'
    assert canonical_emotion('ANGRY') == 'anger'
    assert canonical_emotion('fearful') == 'fear'
    assert canonical_emotion('contempt') == 'contempt'
    with pytest.raises(ValueError, match="'joy'"):
        canonical_emotion('joy')
