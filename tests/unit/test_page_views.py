"""The pages' view models: each page's template gets one, built in Python, and lays it out."""

import jinja2
import pytest

from reporter.analysis import frames, verdict
from reporter.render import environment
from reporter.render.charts import STATIC_TREE_FRACTION, bar_chart, bars
from reporter.render.format import as_percent
from reporter.render.benchmark import benchmark_section
from reporter.render.terms import TERMS, Terms, min_processes
from reporter.analysis.homework import Anchor, ChecklistItem, Location
from reporter.render.views import (TOP_FUNCTIONS, ChecklistRow, graph_view, index_page, page_ids,
                                   workload_page)
from reporter.render.views import _resolved  # pylint: disable=protected-access
from reporter.results import (Benchmark, CaseTiming, Environment, FlameGraph, LineTime,
                              LineTimeSummary, OwnTool, Run, RunRecord, WorkloadResult)
from reporter.vocabulary import Mode, Status
from tests.synthetic import big_tree, run_with_functions, run_with_graph


def test_the_constants_prose_names_are_formatted_from_the_constants():
    assert TERMS.band == "±2%" == "±" + as_percent(verdict.BAND)
    assert TERMS.prune == "0.1%" == as_percent(frames.PRUNE_FRACTION)
    assert TERMS.static_tree == as_percent(STATIC_TREE_FRACTION)
    assert TERMS.confidence == verdict.level(verdict.CONFIDENCE)
    assert as_percent(0.05) == "5%"  # another band would read as itself
    assert environment().globals["terms"] is TERMS and isinstance(TERMS, Terms)


def test_the_fewest_processes_follow_the_verdicts_own_rule():
    # One median per process: with n of them, the widest interval holds with 1 - 2^(1-n).
    assert min_processes(verdict.CONFIDENCE) == 6
    assert min_processes(verdict.family_confidence(18)) == 10
    n = min_processes(verdict.family_confidence(4))
    assert verdict.median_interval(range(n), verdict.family_confidence(4), minimum=2)[1] \
        is not None
    assert verdict.median_interval(range(n - 1), verdict.family_confidence(4),
                                   minimum=2)[1] is None


def _benchmark(processes=2):
    base = CaseTiming("plain", "loop", True, "", 1000, [3e-8] * 12, processes,
                      net_values_s=[2e-8] * 12, unroll=20, runs=[6] * processes)
    twice = CaseTiming("twice", "loop", True, "", 1000, [5e-8] * 12, processes,
                       net_values_s=[4e-8] * 12, unroll=20, runs=[6] * processes,
                       ratios=[[2.0 + p / 1000] * 6 for p in range(10)])
    frozen = CaseTiming("frozen", "loop", False, "AttributeError: no", 0, [], 0)
    return Benchmark(cases=[base, twice, frozen], memory=[], gc_enabled=True,
                     loop_s={"loop": 1e-8}, rounds={"loop": 12}, budget_s=2.0, spent_s=3.5,
                     confidence=verdict.family_confidence(1), min_rounds=6)


def test_the_benchmark_section_holds_its_charts_and_says_when_processes_are_too_few():
    section = benchmark_section(_benchmark(), "pyperf/w.pyperf.json")
    (chart,) = section.charts
    assert chart.operation == "loop" and [r.variant for r in chart.unsupported] == ["frozen"]
    assert [t.label for t in chart.ratios.ticks if t.one] == ["1×"]
    assert chart.ratios.band_x is not None and section.memory_bars is None
    assert section.min_processes == min_processes(section.result.confidence)
    assert section.too_few_processes  # 2 processes, 6 needed at 95%
    assert not benchmark_section(_benchmark(processes=10)).too_few_processes
    assert section.pyperf_link == "pyperf/w.pyperf.json"


def test_a_bar_chart_places_its_rows():
    chart = bar_chart(bars(_benchmark(), "loop"))
    rows = list(chart["rows"])
    assert len(rows) == 2
    first, second = rows[0], rows[1]
    assert second["rect_y"] - first["rect_y"] == 20 and chart["height"] == 44
    assert first["value_x"] == chart["left"] + 8 + max(first["width"], first["high"] or 0)
    assert first["low_x"] == chart["left"] + first["low"]


def test_a_graphs_figure_has_its_data_tree_and_export():
    graph = FlameGraph("cpu", "CPU", "seconds", big_tree(300))
    run = run_with_graph(graph)
    (workload,) = run.workloads
    figure = graph_view(graph, workload)
    assert figure.id == "cpu" and figure.speedscope.endswith("big.cpu.speedscope.json")
    assert figure.tree_total == pytest.approx(graph.tree.value)
    assert figure.tree[0][0] == "open" and figure.data["nodes"]
    assert graph_view(graph, None, "w-cpu", deltas={}).speedscope is None  # compare's


def test_the_workload_page_builds_every_section_view():
    run = run_with_functions(40)
    (workload,) = run.workloads
    page = workload_page(run, workload)
    assert page.workload is workload and page.card.link == "" and page.card.runs == 1
    assert page.benchmark is None and page.memory is None and page.output is None
    (section,) = page.profiled
    assert section.scope and section.record.profiler == "cprofile"
    assert len(section.top_cumulative) == TOP_FUNCTIONS and section.functions["rows"]
    assert [row.record for row in page.runs] == workload.runs


def test_the_index_reuses_the_pages_cards_with_its_links():
    run = run_with_functions(10)
    (workload,) = run.workloads
    card = workload_page(run, workload).card
    index = index_page(run, {workload.name: card})
    (row,) = index.rows
    assert row.card.headline is card.headline and row.card.link == row.page == "functions.html"
    assert row.card.runs is None and index.runs == 1 and index.reused == index.parallel == 0
    (cell,) = row.cells[index.columns.index("cprofile")]
    assert cell.record.mode == Mode.PROFILED and cell.record.status == Status.OK


def test_the_checklist_links_only_to_ids_the_page_has():
    run = run_with_functions(10)
    (workload,) = run.workloads
    page = workload_page(run, workload)
    ids = page_ids(page)
    assert ids == {"summary", "runs", "cprofile"}  # no output, no own tools, no source
    assert [row.item.key for row in page.card.checklist] == [
        "classes", "by-calls", "by-memory", "decorator", "lint"]
    calls = next(row for row in page.card.checklist if row.item.key == "by-calls")
    assert calls.reporter_link == "cprofile" and calls.script_link == ""
    assert index_page(run).rows[0].card.checklist == page.card.checklist  # built when not given
    line = Anchor(at=Location("/somewhere/functions.py", 3))
    assert _resolved([line, Anchor("output"), Anchor("runs")], ids, None) == "runs"
    assert _resolved([Anchor("lint")], ids, None) == ""


def test_the_checklist_links_a_class_to_its_line_and_a_tool_to_its_sentences(tmp_path):
    script = str(tmp_path / "slotted.py")
    text = "import tracemalloc\n\n\nclass S:\n    __slots__ = ('x',)\n\n\ntracemalloc.start()\n"
    timed = LineTimeSummary(cpu_s=1.0, samples=100, interval_s=0.01, max_interval_s=0.01,
                            handler_s=0.0,
                            lines=[LineTime(script, 8, "<module>", 0.5, 0.5, 50, 50)])
    record = RunRecord(Mode.PROFILED, 0, Status.OK, "", 0, 1.0, 1.0, "", profiler="lines",
                       profile=timed, own_tools=[OwnTool("tracemalloc", "tracemalloc", script, 8)])
    workload = WorkloadResult("slotted", script, [], [record], sources={script: text})
    run = Run("synthetic", Environment("3", "CPython 3", "Linux", "python", "now", {}),
              [workload])
    page = workload_page(run, workload)
    assert {"lines", "lines-own-tools", "line-by-line", "src1", "src1-L4"} <= page_ids(page)
    rows = {row.item.key: row for row in page.card.checklist}
    assert rows["classes"].script_link == "src1-L4"  # class S
    assert rows["by-memory"].script_link == "lines-own-tools"
    assert rows["by-memory"].item.by_script == "ran its own tracemalloc from slotted.py:8"


def test_a_checklist_row_says_what_was_found_never_a_mark():
    def word(found, **unknown):
        return ChecklistRow(ChecklistItem("t", "", "", found, **unknown), "", "").word
    assert (word(True), word(False), word(None), word(None, unknown="not run")) == (
        "found", "not found", "not looked at", "not run")


def test_templates_call_no_view_factory():
    """Only formatting, our static files and the constants' wording are globals."""
    env = environment()
    assert set(env.globals) - set(jinja2.Environment().globals) == {
        "include_file", "percent", "plural", "terms"}
