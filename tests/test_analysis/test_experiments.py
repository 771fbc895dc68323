"""The statistics and options of repeated runs (seeds and sweep tools)."""
import math

import pytest
from scipy import stats

from sqsnet_mm.analysis.experiments import (format_interval, format_mean_std,
                                            mcnemar, mean_interval,
                                            paired_interval,
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


def test_mean_interval_is_students_t_over_the_values():
    # 84, 86, 85: mean 85, sd 1, t_0.975(2) = 4.302653
    ci = mean_interval([84.0, 86.0, 85.0])
    assert stats.t.ppf(0.975, 2) == pytest.approx(4.302653, abs=1e-6)
    half = 4.302653 / math.sqrt(3)
    assert (ci['mean'], ci['sd'], ci['n']) == pytest.approx((85.0, 1.0, 3))
    assert (ci['low'], ci['high']) == pytest.approx(
        (85 - half, 85 + half), abs=1e-5)
    assert format_interval(ci) == '[82.52, 87.48]'
    one = mean_interval([86.32])
    assert one == dict(mean=86.32, low=None, high=None, sd=None, n=1)
    assert format_interval(one) == '-'
    with pytest.raises(ValueError, match='no values'):
        mean_interval([])


def test_paired_interval_is_students_t_over_the_pairs():
    # differences 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), n 4, 3 degrees of
    # freedom; t_0.975(3) = 3.182446, t_0.8(3) = 0.978472
    ci = paired_interval([11.0, 12.0, 13.0, 14.0], [10.0, 10.0, 10.0, 10.0])
    sd = math.sqrt(5 / 3)
    assert stats.t.ppf(0.975, 3) == pytest.approx(3.182446, abs=1e-6)
    assert stats.t.ppf(0.8, 3) == pytest.approx(0.978472, abs=1e-6)
    assert ci['n'] == 4
    assert ci['diff'] == pytest.approx(2.5)
    assert ci['sd'] == pytest.approx(sd)
    assert ci['low'] == pytest.approx(2.5 - 3.182446 * sd / 2, abs=1e-5)
    assert ci['high'] == pytest.approx(2.5 + 3.182446 * sd / 2, abs=1e-5)
    assert ci['detectable'] == pytest.approx(
        (3.182446 + 0.978472) * sd / 2, abs=1e-5)
    # a 90% interval is narrower, with t_0.95(3) = 2.353363
    ci90 = paired_interval([11.0, 12.0, 13.0, 14.0], [10.0] * 4, level=0.9)
    assert ci90['high'] - ci90['low'] == pytest.approx(
        2 * 2.353363 * sd / 2, abs=1e-5)
    # the order of the pairs does not matter, the sign of a - b does
    swapped = paired_interval([10.0] * 4, [14.0, 13.0, 12.0, 11.0])
    assert (swapped['low'], swapped['high']) == pytest.approx(
        (-ci['high'], -ci['low']))


def test_paired_interval_of_one_pair_has_no_interval():
    ci = paired_interval([80.0], [78.5])
    assert ci == dict(diff=1.5, low=None, high=None, sd=None, n=1,
                      detectable=None)


def test_paired_interval_needs_pairs():
    # unequal lengths raise, also where NumPy would broadcast
    for a, b in (([1.0, 2.0, 3.0], [1.0]), ([1.0, 2.0], [1.0, 2.0, 3.0])):
        with pytest.raises(ValueError, match='pairs'):
            paired_interval(a, b)
    ci = paired_interval([1.0, 3.0], [0.0, 0.0])
    assert all(type(ci[k]) is float for k in ('low', 'high', 'detectable'))


def test_mcnemar_exact_binomial():
    # 1 image only a classifies right, 9 only b, 5 both, 3 neither:
    # two-sided p = 2 * P(X <= 1), X ~ Bin(10, 1/2) = 2 * 11 / 1024
    a = [True] * 1 + [False] * 9 + [True] * 5 + [False] * 3
    b = [False] * 1 + [True] * 9 + [True] * 5 + [False] * 3
    test = mcnemar(a, b)
    assert (test['only_a'], test['only_b']) == (1, 9)
    assert test['p'] == pytest.approx(22 / 1024)
    assert mcnemar(b, a) == dict(only_a=9, only_b=1, p=pytest.approx(22 /
                                                                      1024))
    # balanced disagreements: p = 1
    assert mcnemar([True, False], [False, True])['p'] == pytest.approx(1.0)


def test_mcnemar_equal_classifiers_and_bad_input():
    same = [True, False, True, True]
    assert mcnemar(same, same) == dict(only_a=0, only_b=0, p=1.0)
    with pytest.raises(ValueError, match='same images'):
        mcnemar([True, False], [True, False, True])
