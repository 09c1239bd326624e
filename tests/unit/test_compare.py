"""Comparison: the U test against known values, verdicts, and the tree difference."""

import math

import pytest

from reporter.analysis import compare
from reporter.results import Frame


@pytest.mark.parametrize("a, b, p", [
    ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], 2 / 252),        # exact, the smallest p for 5 and 5
    ([1, 2, 3], [1.5, 2.5, 3.5], 0.7),                   # exact
    ([1] * 5, [1] * 5, 1.0),                             # all tied
    # normal approximation with ties and continuity correction (checked against scipy 1.x)
    ([9, 10, 10, 11, 12], [11, 12, 12, 13, 14, 14, 15], 0.017119),
])
def test_mann_whitney(a, b, p):
    first, second = a, b
    assert compare.mann_whitney(first, second) == pytest.approx(p, abs=5e-5)
    assert compare.mann_whitney(second, first) == pytest.approx(p, abs=5e-5)  # two-sided


def test_mann_whitney_of_nothing_is_no_evidence():
    assert compare.mann_whitney([], [1.0]) == 1.0


def test_verdicts():
    base = [1.00, 1.01, 0.99, 1.02, 1.00, 0.98]
    slower = compare.verdict(base, [v * 1.5 for v in base])
    assert slower.label == "slower" and slower.change == pytest.approx(0.5, rel=0.01)
    assert slower.significant and slower.p_value < 0.05
    assert compare.verdict(base, [v * 0.7 for v in base]).label == "faster"
    assert slower.low > 1.02 and slower.high < 1.8
    same = compare.verdict(base, [v * 1.005 for v in base])
    assert same.label in ("the same", "undecided") and not same.significant
    tight = [1.0, 1.001, 0.999, 1.0, 1.0005, 0.9995]
    assert compare.verdict(tight, [v * 1.005 for v in tight]).label == "the same"
    assert compare.verdict([1.0], [3.0]).label == "undecided"  # too few to tell
    assert compare.verdict([], [1.0]).label == "added"
    assert compare.verdict([1.0], []).label == "removed"


def test_diff_matches_frames_by_name_and_file_and_lists_what_went():
    base = Frame("<module>", "/a/w.py", 1, 10, 0,
                 [Frame("f", "/a/w.py", 3, 6, 6), Frame("gone", "/a/w.py", 9, 4, 4)])
    new = Frame("<module>", "/b/w.py", 1, 12, 0,
                [Frame("f", "/b/w.py", 4, 9, 9), Frame("added", "/b/w.py", 7, 3, 3)])
    deltas, gone = compare.diff(base, new)
    assert deltas[id(new)] == 2 and deltas[id(new.children[0])] == 3
    assert math.isnan(deltas[id(new.children[1])])
    assert gone == [("gone", 4)]
