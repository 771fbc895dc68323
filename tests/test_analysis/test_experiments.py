"""The statistics and options of repeated runs (seeds and sweep tools)."""
import pytest

from sqsnet_mm.analysis.experiments import (format_mean_std,
                                            parse_cfg_options)


def test_cfg_options_parse_as_on_the_command_line():
    assert parse_cfg_options([]) == {}
    assert parse_cfg_options([
        'randomness.seed=3', 'model.head.sqs.tau=0.5', 'a.b=[1,2]',
        'c=x,y'
    ]) == {
        'randomness.seed': 3,
        'model.head.sqs.tau': 0.5,
        'a.b': [1, 2],
        'c': ['x', 'y']
    }


def test_mean_std_uses_the_sample_std():
    assert format_mean_std([80.0, 82.0]) == '81.00 ± 1.41'
    with pytest.raises(ValueError):
        format_mean_std([])
