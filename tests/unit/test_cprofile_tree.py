"""The cProfile call tree rebuilt from caller→callee edges."""

import pytest

from reporter.analysis.frames import walk
from reporter.profilers.cprofile import call_tree

RUN = ("<frozen runpy>", 1, "_run_code")
EXEC = ("~", 0, "<built-in method builtins.exec>")
MODULE = ("w.py", 1, "<module>")
A = ("w.py", 5, "a")
B = ("w.py", 9, "b")
SHARED = ("w.py", 20, "shared")
REC = ("w.py", 30, "rec")


def edge(ct, tt=0.0, calls=1):
    """A pstats caller edge: (primitive calls, calls, own, cumulative)."""
    return (calls, calls, tt, ct)


STATS = {
    RUN: (1, 1, 0.0, 10.0, {}),
    EXEC: (1, 1, 0.0, 10.0, {RUN: edge(10.0)}),
    MODULE: (1, 1, 1.0, 10.0, {EXEC: edge(10.0, 1.0)}),
    A: (1, 1, 1.0, 7.0, {MODULE: edge(7.0, 1.0)}),
    B: (1, 1, 0.0, 2.0, {MODULE: edge(2.0)}),
    # shared is called from a (6 s worth) and b (2 s worth): its callee rec is split 3:1
    SHARED: (2, 2, 4.0, 8.0, {A: edge(6.0, 3.0), B: edge(2.0, 1.0)}),
    REC: (3, 1, 4.0, 4.0, {SHARED: edge(4.0, 4.0), REC: edge(1.0, 0.5, 2)}),
}
HARNESS = {RUN, EXEC}


def by_path(tree):
    """Every frame keyed by the function names on its path."""
    found, path = {}, []
    for depth, frame in walk(tree):
        del path[depth:]
        path.append(frame.function)
        found[tuple(path)] = frame
    return found


def test_tree_starts_at_the_script_and_splits_shared_callees_by_caller():
    tree = call_tree(STATS, HARNESS)
    frames = by_path(tree)
    assert tree.value == pytest.approx(10.0)
    assert frames[("<script>", "<module>")].value == pytest.approx(10.0)
    assert frames[("<script>", "<module>", "a", "shared")].value == pytest.approx(6.0)
    assert frames[("<script>", "<module>", "b", "shared")].value == pytest.approx(2.0)
    assert frames[("<script>", "<module>", "a", "shared", "rec")].value == pytest.approx(3.0)
    assert frames[("<script>", "<module>", "b", "shared", "rec")].value == pytest.approx(1.0)
    assert ("<script>", "<module>", "a", "shared", "rec", "rec") not in frames  # no cycles


def test_tree_keeps_self_plus_children_equal_to_total():
    for _, frame in walk(call_tree(STATS, HARNESS)):
        assert frame.self_value >= 0
        assert frame.self_value + sum(c.value for c in frame.children) == pytest.approx(frame.value)


def test_tiny_edges_are_left_out():
    tree = call_tree(STATS, HARNESS, min_fraction=0.25)
    names = {f.function for _, f in walk(tree)}
    assert "b" not in names and "rec" in names
