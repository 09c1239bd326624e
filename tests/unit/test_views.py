"""View models on hand-made results: the rows and sentences a section prints."""

import json

import pytest

from reporter.analysis import verdict
from reporter.render.export import pyperf_suite
from reporter.render.benchmark import answers, benchmark_view, instance_rows, ratio_chart
from reporter.render.memory import scenario_rows, scenario_sentences
from reporter.render.views import headline
from reporter.vocabulary import Mode, Status
from reporter.results import (Benchmark, CaseTiming, FlameGraph, Frame, Instruction,
                              InstructionReading,
                              InstanceMemory, PyinstrumentSummary, RunRecord, WorkloadResult)


def scenario(label, repeat, wall, status=Status.OK):
    """A scenario run of that label and wall time."""
    return RunRecord(mode=Mode.SCENARIO, repeat=repeat, status=Status(status), reason="",
                     exit_code=0,
                     wall_s=wall, process_s=wall, stderr_tail="", label=label,
                     extra_args=[] if label == "base" else ["--" + label])


def test_scenarios_are_pooled_and_judged_against_the_first():
    runs = []
    rounds = [(1.0, 3.0, 1.0, 0.5), (1.01, 3.1, 1.005, 2.0), (0.99, 2.9, 0.998, 1.0),
              (1.0, 3.0, 1.0, 1.6)]
    for i, (base, slow, same, noisy) in enumerate(rounds):
        runs += [scenario("base", 4 * i + 1, base), scenario("slow", 4 * i + 2, slow),
                 scenario("same", 4 * i + 3, same), scenario("noisy", 4 * i + 4, noisy)]
    runs.append(scenario("slow", 17, None, status="crashed"))
    rows = scenario_rows(WorkloadResult("w", "w.py", [], runs))
    assert [r.label for r in rows] == ["base", "slow", "same", "noisy"]
    assert rows[0].wall_verdict is None and rows[0].wall_median == 1.0
    assert (rows[1].runs, rows[1].failed, len(rows[1].wall_s)) == (5, 1, 4)
    words = [r.wall_verdict.word for r in rows[1:]]
    assert words == ["slower", "the same", "undecided"]
    assert rows[1].rss_verdict.ratio is None  # no memory record: never a made-up verdict
    sentences = scenario_sentences(rows)
    assert sentences[0].startswith("“slow” against “base”: wall time slower (3.00×, 95% interval")
    assert "peak RSS undecided (fewer than 3 clean runs on a side)" in sentences[0]
    assert "wall time undecided" in sentences[2]
    assert not scenario_sentences(rows[:1])


def _benchmark():
    """Two variants of one operation, paired ratios about 2, and a variant with no baseline."""
    base = CaseTiming("plain", "loop", True, "", 1000, [3e-8] * 12, 2,
                      net_values_s=[2e-8] * 12, unroll=20, runs=[6, 6])
    twice = CaseTiming("twice", "loop", True, "", 1000, [5e-8] * 12, 2,
                       net_values_s=[4e-8] * 12, unroll=20, runs=[6, 6],
                       ratios=[[2.0 + p / 1000] * 6 for p in range(10)])
    alone = CaseTiming("twice", "solo", True, "", 1000, [1e-8] * 6, 1, runs=[6])
    frozen = CaseTiming("frozen", "loop", False, "AttributeError: no", 0, [], 0)
    return Benchmark(cases=[base, twice, alone, frozen], memory=[], gc_enabled=True,
                     loop_s={"loop": 1e-8}, rounds={"loop": 12, "solo": 6}, budget_s=2.0,
                     spent_s=3.5, confidence=verdict.family_confidence(1), min_rounds=6)


def test_the_benchmark_view_works_out_each_verdict_once():
    view = benchmark_view(_benchmark())
    assert view.baseline == "plain" and view.comparisons == 1 and view.level == "95%"
    rows = {(r.variant, r.operation): r for r in view.rows}
    assert rows[("plain", "loop")].baseline and rows[("plain", "loop")].verdict is None
    found = rows[("twice", "loop")].verdict
    assert found.word == verdict.SLOWER and 2.0 < found.ratio < 2.02
    assert rows[("twice", "loop")].net_s == 4e-8 and rows[("twice", "loop")].loop_s == 1e-8
    assert rows[("twice", "solo")].verdict is None  # no plain case to compare with
    assert not rows[("frozen", "loop")].supported
    assert view.unroll == 20 and view.processes == 2


def test_the_ratio_chart_puts_one_and_the_interval_on_a_log_scale():
    view = benchmark_view(_benchmark())
    chart = ratio_chart(view, "loop", width=400)
    (mark,) = chart.marks
    positions = {t.label: t.x for t in chart.ticks}
    assert positions["1×"] < positions["2×"] <= mark.x <= mark.high
    assert 0 <= mark.low <= mark.x <= mark.high <= 400
    (one,) = [t for t in chart.ticks if t.one]  # the view says which tick is 1×
    assert one.label == "1×" and chart.band_x == one.x - chart.band_width / 2
    assert mark.value_x == max(mark.high, mark.x) + 8 and chart.plot_height > mark.y
    assert ratio_chart(view, "solo") is None  # nothing to compare with, nothing drawn


def test_the_pyperf_suite_is_what_pyperf_reads(tmp_path):
    pyperf = pytest.importorskip("pyperf")
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(pyperf_suite(_benchmark(), "3.11.7")))
    suite = pyperf.BenchmarkSuite.load(str(path))
    names = suite.get_benchmark_names()
    assert names == ["plain: loop", "twice: loop", "twice: solo"]
    twice = suite.get_benchmark("twice: loop")
    assert twice.get_nrun() == 2 and len(twice.get_values()) == 12
    assert twice.median() == pytest.approx(5e-8)
    assert twice.get_metadata()["inner_loops"] == 20


def _read(*names):
    """One reading of the instructions named, the same at every moment."""
    return [InstructionReading([Instruction(n, n.split("_ATTR")[0] + "_ATTR", "", True)
                                for n in names], "", ["process 1 after the warm-up"])]


def test_answers_name_the_faster_and_slower_variants_with_their_ratios_and_why_not():
    result = _benchmark()
    result.cases[0].readings = _read("LOAD_ATTR_INSTANCE_VALUE")
    result.cases[1] = CaseTiming("half", "loop", True, "", 1000, [2e-8] * 12, 10,
                                 ratios=[[0.5 + p / 1000] * 6 for p in range(10)],
                                 readings=_read("LOAD_ATTR_SLOT"))
    result.cases[1:1] = [
        CaseTiming("same", "loop", True, "", 1000, [3e-8] * 12, 10,
                   ratios=[[0.97 + p / 100] * 6 for p in range(10)],
                   readings=_read("LOAD_ATTR_INSTANCE_VALUE")),
        CaseTiming("copy of plain", "loop", True, "", 1000, [3e-8] * 12, 10, control=True,
                   ratios=[[0.98 + p / 250] * 6 for p in range(10)],
                   readings=_read("LOAD_ATTR_INSTANCE_VALUE"))]
    slow = CaseTiming("slow", "loop", True, "", 1000, [9e-8] * 12, 10,
                      ratios=[[3.0 + p / 100] * 6 for p in range(10)])
    result.cases.append(slow)
    (found,) = answers(result)
    assert found == ("loop: faster than plain: half 0.50× (0.50–0.51×); slower than plain: "
                     "slow 3.04× (3.01–3.08×); undecided: same (same instructions as plain); "
                     "noise (a copy of plain): 0.98–1.01×")
    # The index's card counts the comparisons: the control is noise, not one of them.
    counted = headline(WorkloadResult("w", "w.py", [], [], benchmark=result)).verdicts
    assert counted == {"faster": 1, "slower": 1, "undecided": 1, "not supported": 1}


def test_the_headline_takes_each_figure_from_its_source():
    leaf = Frame("hot", "w.py", 3, 6.0, 6.0)
    other = Frame("[other] 2 smaller", "", 0, 1.0, 1.0)
    tree = Frame("<module>", "w.py", 1, 10.0, 3.0, [leaf, other])
    profiled = RunRecord(Mode.PROFILED, 0, Status.OK, "", 0, 1.0, 1.0, "", profiler="pyinstrument",
                         profile=PyinstrumentSummary(
                             1.0, 10, 0.001, [FlameGraph("cpu", "CPU", "seconds", tree)]))
    bare = [RunRecord(Mode.BARE, i, Status.OK, "", 0, 0.5 + i / 10, 1.0, "") for i in (1, 2, 3)]
    found = headline(WorkloadResult("w", "w.py", [], [*bare, profiled]))
    assert found.hottest.function == "hot" and found.hottest_share == 0.6
    assert found.wall.median == 0.7 and found.failed == 0
    assert found.peak_bytes is None and found.gc_s is None and not found.answers


def test_the_memory_table_gives_each_allocation_its_size_class():
    memory = [InstanceMemory("slots", "Slots()", True, "", instances=10, traced_bytes=560,
                             allocation_sizes=[[56, 10]], type_name="Slots", basicsize=40,
                             getsizeof=56, gc_tracked=True),
              InstanceMemory("frozen", "F()", False, "TypeError: no")]
    result = Benchmark(cases=[], memory=memory, gc_enabled=True, pymalloc_alignment=16,
                       pymalloc_threshold=512)
    slots, frozen = instance_rows(result)
    assert slots.allocations == [(1.0, 56, 64)] and slots.block_bytes == 64
    assert slots.struct == "40 B" and "slots (Slots): a 56 B object" in slots.anatomy
    assert not frozen.supported and frozen.reason == "TypeError: no"
