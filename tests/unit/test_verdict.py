"""The one rule behind every comparison: numbers that must give each word."""

import pytest

from reporter.analysis import verdict


@pytest.mark.parametrize("ratio, low, high, word", [
    (0.5, 0.45, 0.55, "faster"),
    (0.97, 0.96, 0.979, "faster"),
    (3.1, 2.9, 3.3, "slower"),
    (1.03, 1.021, 1.04, "slower"),
    (1.0, 0.99, 1.01, "the same"),
    (1.0, 0.98, 1.02, "the same"),
    (1.0, 0.97, 1.01, "undecided"),
    (1.5, 0.9, 2.1, "undecided"),  # a wide interval is never "the same"
    (1.05, 1.01, 1.09, "undecided"),
    (None, None, None, "undecided"),
])
def test_the_interval_decides_the_word(ratio, low, high, word):
    found = verdict.decide(ratio, low, high)
    assert found.word == word
    assert found.decided == (word != "undecided")


def test_samples_far_apart_are_slower_and_close_ones_the_same():
    base = [10.0, 10.1, 9.9, 10.0, 10.05, 9.95]
    assert verdict.compare_samples(base, [30.0, 30.3, 29.8, 30.1, 30.2, 29.9]).word == "slower"
    assert verdict.compare_samples(base, [5.0, 5.1, 4.9, 5.0]).word == "faster"
    assert verdict.compare_samples(base, [10.0, 10.02, 9.98, 10.01, 9.99]).word == "the same"
    noisy = [5.0, 15.0, 9.0, 12.0, 7.0]
    assert verdict.compare_samples(base, noisy).word == "undecided"
    assert verdict.compare_samples(base, [10.0, 10.0]).word == "undecided"  # too few values


def test_the_description_names_the_interval():
    text = verdict.decide(3.11, 2.95, 3.2).describe()
    assert text == "slower (3.11×, 95% interval 2.95–3.20×)"
    assert verdict.unsupported().describe() == "not supported"
    assert verdict.decide(1.0, 0.99, 1.0).css == "verdict-the-same"


def test_the_median_interval_is_the_binomial_order_statistics():
    # the sign test's interval: for n = 100 at 95%, the 40th and 61st values
    assert verdict.median_interval(list(range(1, 101)), 0.95) == (50.5, 40, 61)
    # n = 9 at 95%: P(X <= 1) = 10/512 <= 2.5% < P(X <= 2): the 2nd and 8th values; n = 8:
    # P(X <= 1) = 9/256 is too much already, so only the extremes
    assert verdict.median_interval([9, 1, 8, 2, 7, 3, 6, 4, 5], 0.95) == (5, 2, 8)
    assert verdict.median_interval([8, 1, 7, 2, 6, 3, 5, 4], 0.95) == (4.5, 1, 8)
    # too few values to reach the level at all: no interval, so no verdict but undecided
    assert verdict.median_interval([1, 2, 3, 4, 5, 6, 7], 0.997) == (4, None, None)
    assert verdict.median_interval([1, 2, 3], 0.95) == (None, None, None)


def test_paired_ratios_give_the_words_through_their_interval():
    assert verdict.paired_verdict([0.5 + i / 1000 for i in range(50)]).word == verdict.FASTER
    assert verdict.paired_verdict([1.0 + (i % 5 - 2) / 1000 for i in range(50)]).word == \
        verdict.SAME
    assert verdict.paired_verdict([0.9 + i / 250 for i in range(50)]).word == verdict.UNDECIDED
    assert verdict.paired_verdict([1.0, 1.1]).word == verdict.UNDECIDED


def test_many_comparisons_widen_each_interval_bonferroni():
    assert verdict.family_confidence(1) == 0.95
    assert abs(verdict.family_confidence(20) - 0.9975) < 1e-12
    assert verdict.level(0.9975) == "99.8%" and verdict.level(0.95) == "95%"


def test_a_verdict_across_processes_takes_the_spread_between_them():
    steady = [[0.5 + i / 1000 for i in range(20)] for _ in range(10)]
    assert verdict.process_verdict(steady, 0.997).word == verdict.FASTER
    # every process sure of itself, but they disagree by more than the band: undecided
    shifted = [[0.95 + p / 100] * 20 for p in range(10)]
    found = verdict.process_verdict(shifted, 0.997)
    assert found.word == verdict.UNDECIDED and (found.low, found.high) == (0.95, 1.04)
    # ten processes reach 99.8%; five cannot reach 99.7%, whatever their rounds say
    assert verdict.process_verdict(steady[:5], 0.997).word == verdict.UNDECIDED
    assert verdict.process_verdict(steady[:5], 0.95).word == verdict.UNDECIDED
    assert verdict.process_verdict(steady[:6], 0.95).word == verdict.FASTER
