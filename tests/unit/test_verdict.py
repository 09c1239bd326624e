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
