"""Formatting helpers and the flat call-tree walk the templates use."""

import os

import pytest

from reporter.render.charts import tree_rows
from reporter.render.format import count, percent, plural, ratio, seconds, short_path, size, where
from reporter.results import Frame, FunctionStat


@pytest.mark.parametrize("value, text", [
    (None, "–"), (2.5, "2.50 s"), (0.0123, "12.3 ms"), (0.000012, "12.0 µs"),
    (4.25e-9, "4.2 ns"),
])
def test_seconds(value, text):
    assert seconds(value) == text


@pytest.mark.parametrize("value, text", [
    (None, "–"), (12, "12 B"), (2048, "2.0 KiB"), (3 * 1024 ** 2, "3.0 MiB"),
    (5 * 1024 ** 4, "5120.0 GiB"),
])
def test_size(value, text):
    assert size(value) == text


def test_ratio_and_percent():
    assert ratio(None) == "–" and ratio(1.5) == "1.50×"
    assert percent(1, 4) == "25.0%" and percent(1, 0) == "–"


def test_short_path():
    assert short_path(os.path.join(os.getcwd(), "w.py")) == "w.py"
    assert short_path("/x/lib/python3.11/site-packages/memray/a.py") == "memray/a.py"
    assert short_path(os.__file__).startswith("<stdlib>/")
    assert short_path("<frozen runpy>") == "<frozen runpy>"
    assert short_path("/elsewhere/w.py") == "/elsewhere/w.py"


def test_where():
    assert where(FunctionStat("len", "", 0, 1, 1, 0, 0)) == "built-in"
    assert where(FunctionStat("f", "/elsewhere/w.py", 3, 1, 1, 0, 0)) == "/elsewhere/w.py:3"


def test_tree_rows_balance_open_and_close():
    leaf = Frame("c", "w.py", 3, 1, 1)
    tree = Frame("a", "w.py", 1, 3, 0, [Frame("b", "w.py", 2, 2, 1, [leaf]),
                                        Frame("d", "w.py", 4, 1, 1)])
    rows = [(kind, f.function if f else None) for kind, f in tree_rows(tree)]
    assert rows == [("open", "a"), ("open", "b"), ("leaf", "c"), ("close", None),
                    ("leaf", "d"), ("close", None)]


def test_counts_read_with_separators_and_nouns_agree():
    assert count(1300855) == "1,300,855" and count(None) == "–"
    assert count(0.5) == "0.5" and count(2.0) == "2"
    assert plural(1, "call") == "1 call" and plural(100000, "call") == "100,000 calls"
    assert plural(2, "process", "processes") == "2 processes"
    assert seconds(0) == "0 s"
    assert size(96) == "96 B" and size(112.7) == "112.7 B" and size(96.0016) == "96 B"
