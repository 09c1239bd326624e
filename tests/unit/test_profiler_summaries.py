"""The pure parts of each profiler module on hand-built inputs."""

import cProfile
from dataclasses import dataclass
import pstats

import pytest

from reporter.errors import ArtifactError
from reporter.harness import DECORATOR_FILES
from reporter.profilers import PROFILERS, is_harness
from reporter.profilers.base import MODULES, OURS
from reporter.profilers.cprofile import summarize_stats
from reporter.profilers.memray import (HARNESS_FRAME, HARNESS_IMPORTS, LOADING_SCRIPT,
                                       NO_PYTHON_FRAME, Allocations, memory_tree, outside_frame,
                                       size_histogram, summarize_records, timeline, top_sites,
                                       user_stack)
from reporter.results import CodeLocation


@dataclass
class Snapshot:
    """Stands in for memray's MemorySnapshot."""

    time: int
    rss: int
    heap: int


RUNPY = "<frozen runpy>"


def test_registry_holds_each_profiler_once_in_report_order():
    assert OURS == ("cprofile", "pyinstrument", "memray", "lines")
    assert list(PROFILERS)[:len(OURS)] == list(OURS)  # then any plug-in loaded since
    for name, profiler in PROFILERS.items():
        assert profiler.name == name and profiler.suffix.startswith(".")
    for name, ours in MODULES.items():  # what a load of results.json knows without importing
        assert PROFILERS[name].summary is ours.summary


def test_is_harness():
    assert is_harness(RUNPY)
    assert is_harness("/usr/lib/python3.11/runpy.py")
    assert not is_harness("/home/student/homework.py")


def test_cprofile_summary_drops_the_harness_and_ranks_both_ways():
    runpy_key = (RUNPY, 1, "run_path")
    exec_key = ("~", 0, "<built-in method builtins.exec>")
    module = ("w.py", 1, "<module>")
    slow = ("w.py", 5, "slow")
    busy = ("w.py", 9, "busy")
    stats = {
        runpy_key: (1, 1, 0.01, 3.0, {}),
        exec_key: (1, 1, 0.0, 3.0, {runpy_key: (1, 1, 0.0, 3.0)}),
        module: (1, 1, 0.1, 2.9, {exec_key: (1, 1, 0.1, 2.9)}),
        slow: (1, 1, 2.0, 2.0, {module: (1, 1, 2.0, 2.0)}),
        busy: (5, 100, 0.8, 0.8, {module: (5, 100, 0.8, 0.8)}),
    }
    summary = summarize_stats(stats)
    names = [r.function for r in summary.functions]
    assert names == ["<module>", "slow", "busy"]
    assert [r.function for r in summary.by_own] == ["slow", "busy", "<module>"]
    assert summary.total_calls == 102 and summary.primitive_calls == 7
    assert summary.total_s == pytest.approx(2.9)
    assert summary.by_own[1].calls == 100 and summary.by_own[1].primitive_calls == 5


def test_cprofile_summary_of_a_real_profile(tmp_path):
    profile = cProfile.Profile()
    profile.enable()
    sorted(range(1000), key=lambda v: -v)
    profile.disable()
    path = tmp_path / "p.prof"
    profile.dump_stats(path)
    summary = PROFILERS["cprofile"].summarize(path)
    assert any(r.function == "<lambda>" and r.calls == 1000 for r in summary.by_own)
    assert pstats.Stats(str(path)).total_calls >= 1000


def test_unreadable_artifacts_raise_artifact_errors(tmp_path):
    junk = tmp_path / "junk"
    junk.write_bytes(b"\x00not a profile at all" * 10)
    for profiler in PROFILERS.values():
        with pytest.raises(ArtifactError, match="junk"):
            profiler.summarize(junk)


def test_memray_user_stack_keeps_the_script_and_drops_harness_allocations():
    stack = [("inner", "w.py", 3), ("<module>", "w.py", 9), ("_run_code", RUNPY, 88)]
    assert user_stack(stack) == tuple(stack[:2])
    assert user_stack(stack[:2]) == tuple(stack[:2])
    # runpy importing pkgutil for itself is not the script's doing
    harness_import = [("<module>", "/lib/pkgutil.py", 1), ("run_path", RUNPY, 262)]
    assert not user_stack(harness_import)
    assert outside_frame(harness_import) == HARNESS_FRAME
    importing = [("_compile_bytecode", "<frozen importlib._bootstrap_external>", 9),
                 ("run_path", RUNPY, 262)]
    assert outside_frame(importing) == HARNESS_IMPORTS
    assert outside_frame([]) == NO_PYTHON_FRAME
    # the profiling decorator's frames are spliced out, not where the script ends
    decorated = [("inner", "w.py", 3), ("resume", DECORATOR_FILES[0], 151),
                 ("wrapper", DECORATOR_FILES[0], 342), ("<module>", "w.py", 9),
                 ("_run_code", RUNPY, 88)]
    assert user_stack(decorated) == (("inner", "w.py", 3), ("<module>", "w.py", 9))


HERE = (("make", "w.py", 3), ("<module>", "w.py", 9), ("_run_code", RUNPY, 1))
THERE = (("load", "w.py", 7), ("<module>", "w.py", 10), ("_run_code", RUNPY, 1))
RECORDS = [
    Allocations(HERE, 100, 2, "PYMALLOC_MALLOC"),
    Allocations(HERE, 50, 1, "MALLOC"),
    Allocations(THERE, 400, 1, "MALLOC"),
    Allocations((("_get_code_from_file", RUNPY, 5), ("run_path", RUNPY, 9)), 1000, 1,
                "MALLOC"),  # runpy compiling the script
]


def test_memray_top_sites_groups_by_line_and_sorts_by_bytes():
    sites = top_sites(RECORDS, top=5)
    found = [(s.function, s.bytes, s.allocations) for s in sites]
    assert found == [("load", 400, 1), ("make", 150, 3)]
    assert sites[1].allocators == ["malloc", "pymalloc"]
    assert sites[1].stack == [CodeLocation("<module>", "w.py", 9)]


def test_memray_trees_keep_every_byte_and_name_the_allocator():
    tree = memory_tree(RECORDS, "bytes")
    assert tree.value == 1550
    modules = [c for c in tree.children if c.function == "<module>"]
    assert sum(m.value for m in modules) == 550  # two lines of the module: two frames
    make = next(c for m in modules for c in m.children if c.function == "make")
    assert {c.function: c.value for c in make.children} == {"[pymalloc]": 100, "[malloc]": 50}
    assert any(c.function == LOADING_SCRIPT[0] and c.value == 1000 for c in tree.children)
    assert memory_tree(RECORDS, "count").value == 5


def test_memray_summary_totals():
    snapshots = [Snapshot(1000, 10, 0), Snapshot(1010, 30, 25), Snapshot(1020, 20, 5)]
    summary = summarize_records(1550, RECORDS, RECORDS[:1], snapshots, top=3)
    leaks = (summary.exit_bytes, summary.exit_allocations)
    assert summary.peak_allocations == 5 and leaks == (100, 2)
    assert summary.bytes_by_allocator_at_peak == {"malloc": 1450, "pymalloc": 100}
    assert [g.name for g in summary.graphs] == ["memory-peak", "memory-peak-count", "memory-leaked"]


def test_memray_timeline_is_relative_and_thinning_keeps_the_peak():
    snapshots = [Snapshot(5000 + 10 * i, 100 + i, 1000 if i == 37 else i) for i in range(100)]
    points = timeline(snapshots, most=10)
    assert len(points) == 10
    assert 0 <= points[0].time_s < 0.1 and points[-1].time_s <= 0.99
    assert max(p.heap_bytes for p in points) == 1000
    assert not timeline([])


def test_memray_size_histogram_uses_power_of_two_bins():
    bins = size_histogram([Allocations(HERE, 48 * 10, 10, "PYMALLOC_MALLOC"),
                           Allocations(HERE, 1, 1, "MALLOC"),
                           Allocations(THERE, 0, 0, "MALLOC")])
    assert [(b.low, b.high, b.allocations) for b in bins] == [(0, 1, 1), (33, 64, 10)]
