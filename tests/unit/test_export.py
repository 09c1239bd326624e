"""Trees exported for our flame graph and for speedscope."""

import pytest

from reporter.render.charts import memory_chart, nice_ticks, static_tree
from reporter.render.export import flame_data, speedscope
from reporter.results import FlameGraph, Frame, MemoryPoint

TREE = Frame("<module>", "w.py", 1, 3.0, 0.5, [
    Frame("f", "w.py", 4, 2.0, 2.0),
    Frame("<lambda>", "w.py", 9, 0.5, 0.5),
])
GRAPH = FlameGraph("cpu", "CPU", "seconds", TREE)


def test_flame_data_is_a_preorder_table_over_a_string_table():
    data = flame_data(GRAPH)
    names = [data["strings"][row[0]] for row in data["nodes"]]
    assert names == ["<module>", "f", "<lambda>"]
    assert [row[5] for row in data["nodes"]] == [0, 1, 1]
    assert data["strings"].count("w.py") == 1
    assert data["unit"] == "seconds"


def test_siblings_that_differ_only_by_line_show_their_line():
    tree = Frame("<script>", "", 0, 3.0, 0.0, [
        Frame("<module>", "w.py", 4, 2.0, 2.0), Frame("<module>", "w.py", 9, 1.0, 1.0),
        Frame("<module>", "other.py", 1, 0.0, 0.0)])
    data = flame_data(FlameGraph("m", "M", "bytes", tree))
    names = [data["strings"][row[0]] for row in data["nodes"]]
    assert names == ["<script>", "<module>:4", "<module>:9", "<module>"]


def test_speedscope_samples_weigh_each_stack_by_its_self_value():
    doc = speedscope(GRAPH, "w: CPU")
    profile = doc["profiles"][0]
    assert profile["type"] == "sampled" and profile["unit"] == "seconds"
    assert sum(profile["weights"]) == profile["endValue"] == 3.0
    names = [[doc["shared"]["frames"][i]["name"] for i in s] for s in profile["samples"]]
    assert names == [["<module>"], ["<module>", "f"], ["<module>", "<lambda>"]]
    counts = speedscope(FlameGraph("n", "N", "allocations", TREE), "x")["profiles"][0]
    assert counts["unit"] == "none"


def test_static_tree_folds_small_frames():
    big = Frame("root", "", 0, 1000.0, 0.0, [Frame("a", "", 0, 999.0, 999.0),
                                             Frame("b", "", 0, 1.0, 1.0)])
    assert [c.function for c in static_tree(big).children] == ["a", "[other] 1 smaller"]


def test_memory_chart_scales_and_marks_the_peak():
    points = [MemoryPoint(0.0, 100, 10), MemoryPoint(1.0, 200, 50), MemoryPoint(2.0, 150, 20)]
    chart = memory_chart(points, width=200, height=100)
    assert chart["lines"][0]["points"].split()[1] == "100.0,0.0"
    peak = chart["peak"]
    assert (peak["x"], peak["y"], peak["time"], peak["heap"]) == (100.0, 75.0, 1.0, 50)
    assert peak["anchor"] == "start"  # in the middle: the label goes right of the dot
    late = memory_chart([MemoryPoint(0.0, 100, 10), MemoryPoint(2.0, 150, 90)], 200, 100)
    assert late["peak"]["anchor"] == "end" and late["peak"]["label_x"] < late["peak"]["x"]
    assert [t["label"] for t in chart["y_ticks"]] == ["0 B", "50 B", "100 B", "150 B", "200 B"]
    assert chart["x_ticks"][-1]["label"] == "2.00 s"
    assert len(chart["columns"]) == 3 and "heap in use 50 B" in chart["columns"][1]["title"]
    assert not memory_chart([])


def test_axis_ticks_are_round_numbers_in_their_unit():
    assert nice_ticks(10) == [0, 2, 4, 6, 8, 10]
    assert nice_ticks(0.7, "seconds") == pytest.approx([0, 0.2, 0.4, 0.6])
    assert nice_ticks(30 * 2 ** 20, "bytes")[1] == 10 * 2 ** 20  # MiB steps, not 10 MB
    assert nice_ticks(0) == [0.0]
