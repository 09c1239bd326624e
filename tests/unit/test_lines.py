"""Per-line figures on hand-built inputs: joining, margins, blocks, matching, the sampler's
table, memray's lines, and the decorator's line tracer."""

from __future__ import annotations

import dis
import io
import json
import signal
import sys
import textwrap

import pytest

from reporter import profile_deco
from reporter.analysis import lines
from reporter.analysis.lines import LineRow
from reporter.harness import is_users
from reporter.linetrace import LineRecorder, LineStat, format_table
from reporter.profilers.lines import LineSampler, _line_at, _Sampler, summarize_stacks
from reporter.profilers.memray import Allocations, line_memory
from reporter.results import LineMemory, LineTime, LineTimeSummary, MemraySummary
from tests.unit.test_profiler_summaries import RUNPY


def row(line: int, function: str = "f", source: str = "x = 1", **figures) -> LineRow:
    """A line row with zeros where not given."""
    values = {"time_share": 0.0, "time_share_with_calls": 0.0, "time_samples": 0,
              "time_margin": 0.0, "time_own_margin": 0.0, "peak_bytes": 0, "exit_bytes": 0,
              "peak_allocations": 0, "own_peak_bytes": 0, "own_exit_bytes": 0}
    values.update(figures)
    return LineRow(file="/p/w.py", line=line, function=function, source=source, **values)


def test_only_the_users_files_have_lines():
    assert is_users("/home/me/project/w.py") and is_users("w.py")
    assert not is_users("<frozen runpy>") and not is_users("<string>") and not is_users("")
    assert not is_users("/venv/lib/python3.11/site-packages/numpy/core.py")
    assert not is_users(lines.__file__.replace("analysis/lines.py", "run/child.py"))
    assert not is_users(json.__file__)


def test_margins_are_wilson_intervals_honest_near_the_edges():
    assert lines.margin(0.5, 400) == pytest.approx(0.049, abs=0.001)
    assert 0.05 < lines.margin(1.0, 47) < 0.1  # 100% of 47 samples is not ±0
    assert lines.margin(0.0, 47) == pytest.approx(lines.margin(1.0, 47))
    assert lines.margin(0.3, 0) == 1.0
    low, high = lines.wilson(0.05, 40)
    assert 0 < low < 0.05 < high < 0.2  # never a negative lower bound


def test_join_matches_time_and_memory_by_file_and_line():
    timed = LineTimeSummary(cpu_s=2.0, samples=100, interval_s=0.001, max_interval_s=0.001,
                            handler_s=0.0, lines=[LineTime("/p/w.py", 3, "f", 1.0, 1.5, 50, 75)])
    memory = MemraySummary(
        peak_bytes=1000, peak_allocations=3, exit_bytes=10, exit_allocations=1,
        python_allocator="pymalloc", traces_python_allocators=True,
        bytes_by_allocator_at_peak={}, top_at_peak=[], top_at_exit=[], timeline=[],
        sizes_at_peak=[], lines=[LineMemory("/p/w.py", 3, "f", 800, 2, 10, 800, 0),
                                 LineMemory("/p/w.py", 5, "g", 200, 1, 0, 0, 0)])
    joined = lines.join(timed, memory, {"/p/w.py": "a\nb\n  total += 1\nc\n  keep()\n"})
    assert [(r.line, r.source) for r in joined] == [(3, "total += 1"), (5, "keep()")]
    first, second = joined
    assert (first.time_share, first.time_share_with_calls, first.time_samples) == (0.5, 0.75, 75)
    assert first.timed and not second.timed
    assert (first.peak_bytes, first.exit_bytes, first.own_peak_bytes) == (800, 10, 800)
    assert second.time_margin == 0.0 and second.peak_bytes == 200
    assert lines.hottest(joined, "exit_bytes", 5) == [first]
    assert set(first.record()) >= {"file", "line", "source", "time_share",
                                   "time_share_with_calls", "peak_bytes", "exit_bytes",
                                   "peak_allocations"}
    assert lines.join(None, None, {}) == []


def test_blocks_cut_at_functions_and_methods_and_fold_the_cold_ones():
    text = textwrap.dedent("""\
        import os


        def cold():
            return 1


        class Thing:
            def hot(self):
                return [0] * 10

            def also_cold(self):
                return 2


        Thing().hot()
        """)
    found = lines.blocks(text, hot_lines=[10, 16])
    assert [(b.first, b.last, b.name, b.hot) for b in found] == [
        (1, 3, "", False), (4, 5, "cold", False), (6, 8, "", False),
        (9, 10, "Thing.hot", True), (11, 11, "", False), (12, 13, "Thing.also_cold", False),
        (14, 16, "", True)]
    assert lines.blocks("def broken(:\n  pass\n", [1]) == [lines.Block(1, 2, "", True)]
    assert not lines.blocks("", [])
    constants = "".join(f"x{i} = {i}\n" for i in range(1, 21))
    assert [(b.first, b.last, b.hot) for b in lines.blocks(constants, [10])] == [
        (1, 7, False), (8, 12, True), (13, 20, False)]


def test_lines_are_matched_by_function_and_text_not_by_number():
    base = [row(10, "f", "a = 1"), row(11, "f", "b = 2"), row(12, "f", "b = 2"),
            row(30, "g", "gone()")]
    new = [row(13, "f", "a = 1"), row(14, "f", "b = 2"), row(15, "f", "b = 2"),
           row(40, "h", "added()")]
    pairs = lines.matched(base, new)
    assert [(b and b.line, n and n.line) for b, n in pairs] == [
        (10, 13), (11, 14), (12, 15), (None, 40), (30, None)]


def test_the_sampler_table_folds_into_own_time_and_time_with_calls():
    located = [("/p/w.py", 9, "<module>"), ("/p/w.py", 3, "f"), ("/p/w.py", 5, "f")]
    stacks = [(1, [1, 0], 0.3, 3),  # on line 3, called from line 9
              (-1, [2, 0], 0.2, 2),  # in a library called from line 5
              (-1, [], 0.1, 1)]  # outside the user's lines (the interpreter starting)
    summary = summarize_stacks(located, stacks, 0.001, 0.002, 0.01)
    by_line = {r.line: r for r in summary.lines}
    assert summary.cpu_s == pytest.approx(0.6) and summary.samples == 6
    assert (by_line[3].own_s, by_line[3].with_calls_s, by_line[3].own_samples) == (0.3, 0.3, 3)
    assert by_line[5].own_s == 0 and by_line[5].with_calls_s == 0.2
    assert by_line[9].with_calls_s == pytest.approx(0.5) and by_line[9].samples == 5
    assert summary.lines[0].line == 9


def test_the_sampler_records_the_main_threads_lines_and_restores_sigprof(tmp_path):
    def burn():
        total = 0
        for i in range(3_000_000):
            total += i
        return total

    before = signal.getsignal(signal.SIGPROF)
    artifact = tmp_path / "t.lines.json"
    with LineSampler().capture(artifact):
        burn()
    assert signal.getsignal(signal.SIGPROF) is before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    summary = LineSampler().summarize(artifact)
    assert summary.samples > 0 and summary.cpu_s > 0
    assert any(r.function.endswith("burn") and r.own_s > 0 for r in summary.lines)
    artifact.write_text("{}", encoding="utf-8")
    with pytest.raises(Exception, match="not a readable line sampler table"):
        LineSampler().summarize(artifact)


def test_memray_lines_charge_the_innermost_user_line_and_keep_its_own_part():
    library = ("dumps", "/venv/lib/python3.11/site-packages/lib.py", 40)
    records = [Allocations((("f", "w.py", 3), ("<module>", "w.py", 9), ("_run_code", RUNPY, 1)),
                           100, 2, "MALLOC"),
               Allocations((library, ("f", "w.py", 4), ("_run_code", RUNPY, 1)), 50, 1,
                           "MALLOC"),
               Allocations((("_get_code_from_file", RUNPY, 5),), 1000, 1, "MALLOC")]
    found = {m.line: m for m in line_memory(records, records[:1])}
    assert set(found) == {3, 4}  # never the caller's line 9, never the harness
    assert (found[3].peak_bytes, found[3].own_peak_bytes, found[3].exit_bytes) == (100, 100, 100)
    assert (found[4].peak_bytes, found[4].own_peak_bytes, found[4].exit_bytes) == (50, 0, 0)
    assert found[3].peak_allocations == 2


def test_the_line_tracer_chains_to_the_trace_function_before_it_and_restores_it():
    seen = []

    def previous(frame, event, _arg):
        seen.append((frame.f_code.co_name, event))
        return previous

    def traced(n):
        total = 0
        for i in range(n):
            total += i
        return total

    recorder = LineRecorder(traced.__code__)
    sys.settrace(previous)
    try:
        assert recorder.trace(traced, 3) == 3
        assert sys.gettrace() is previous
    finally:
        sys.settrace(None)
    assert ("traced", "call") in seen and ("traced", "line") in seen
    assert ("traced", "return") in seen
    first = traced.__code__.co_firstlineno
    hits = {n - first: s.hits for n, s in recorder.stats.items()}
    assert hits == {1: 1, 2: 4, 3: 3, 4: 1}
    assert all(s.time_s >= 0 for s in recorder.stats.values())


def test_lines_mode_prints_memory_profilers_table_and_stands_down_under_a_profiler():
    @profile_deco(lines=True)
    def grow(n):
        data = [0] * n
        del data
        return n

    assert grow(500_000) == 500_000
    out = io.StringIO()
    grow.print_stat(stream=out)
    text = out.getvalue()
    assert "Line #" in text and "Hits" in text and "Increment" in text and "Line Contents" in text
    assert "data = [0] * n" in text and "MiB" in text and "-3.8 MiB" in text
    stats = grow.profiled.recorder.stats
    assert len(stats) == 3 and all(s.hits == 1 for s in stats.values())
    # Under another profiler the call is only counted, its lines too.
    import cProfile  # pylint: disable=import-outside-toplevel
    other = cProfile.Profile()
    other.enable()
    try:
        grow(10)
    finally:
        other.disable()
    assert all(s.hits == 1 for s in grow.profiled.recorder.stats.values())
    grow.reset_stat()
    assert grow.profiled.recorder.stats == {}
    with pytest.raises(TypeError, match="needs a Python function"):
        profile_deco(lines=True)(len)


def test_the_table_layout_for_lines_that_never_ran():
    text = format_table("w.py", 1, [(1, "def f():", LineStat()),
                                    (2, "    x = 1", LineStat(2, 0.5, 1024, 2048))])
    header, _, never, ran = text.splitlines()[3:]
    assert header.split() == ["Line", "#", "Hits", "Time", "Per", "Hit", "%", "Time",
                              "Increment", "Peak", "Line", "Contents"]
    assert never.split() == ["1", "def", "f():"]
    assert ran.split() == ["2", "2", "500.0", "ms", "250.0", "ms", "100.0%", "1.0", "KiB",
                           "2.0", "KiB", "x", "=", "1"]


def test_two_code_objects_on_one_line_are_one_line_of_the_file():
    located = [("/p/w.py", 9, "<module>"), ("/p/w.py", 4, "build"),
               ("/p/w.py", 4, "build.<locals>.<listcomp>")]
    summary = summarize_stacks(located, [(2, [2, 1, 0], 0.5, 5), (1, [1, 0], 0.1, 1)],
                               0.001, 0.001, 0.0)
    by_line = {r.line: r for r in summary.lines}
    assert set(by_line) == {4, 9}
    assert by_line[4].with_calls_s == pytest.approx(0.6) and by_line[4].samples == 6
    assert by_line[4].own_s == pytest.approx(0.6) and by_line[4].function == "build"
    records = [Allocations((("build.<locals>.<listcomp>", "w.py", 4), ("build", "w.py", 4),
                            ("<module>", "w.py", 9)), 300, 3, "PYMALLOC_MALLOC"),
               Allocations((("build", "w.py", 4), ("<module>", "w.py", 9)), 20, 1, "MALLOC")]
    (only,) = line_memory(records, [])
    assert (only.line, only.peak_bytes, only.own_peak_bytes) == (4, 320, 320)


def test_a_frame_caught_before_its_first_line_gives_its_time_to_its_caller():
    def counted():
        yield 1

    sampler = _Sampler(0.001)
    fresh = counted()
    assert sampler._not_started(fresh.gi_frame)  # pylint: disable=protected-access
    next(fresh)
    assert not sampler._not_started(fresh.gi_frame)  # pylint: disable=protected-access
    here = sys._getframe()  # pylint: disable=protected-access
    assert not sampler._not_started(here)  # pylint: disable=protected-access


def test_an_instruction_without_a_line_gets_the_nearest_earlier_line():
    code = compile("a = 1\nb = 2\nfor i in range(3):\n    if i:\n        c = i\n", "w.py",
                   "exec")
    offsets = [start for start, _, _ in code.co_lines()]
    assert _line_at(code, 0) == 1
    assert _line_at(code, offsets[-1]) in (3, 4, 5)
    sampler = _Sampler(0.001)
    every = [sampler._line_before(code, i.offset)  # pylint: disable=protected-access
             for i in dis.get_instructions(code)]
    assert set(every) <= {1, 2, 3, 4, 5}


def test_the_line_tracer_survives_a_tracer_that_puts_itself_back_on_every_call():
    seen = []

    def greedy(_frame, event, _arg):  # what coverage's C tracer does when called from Python
        seen.append(event)
        if event == "call":
            sys.settrace(greedy)
        return greedy

    def helper():
        return 1

    def traced():
        helper()
        helper()
        return helper()

    recorder = LineRecorder(traced.__code__)
    sys.settrace(greedy)
    try:
        recorder.trace(traced)
    finally:
        sys.settrace(None)
    assert sorted(recorder.stats) == [traced.__code__.co_firstlineno + i for i in (1, 2, 3)]
    assert seen.count("call") >= 4 and "line" in seen
