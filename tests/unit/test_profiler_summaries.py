"""The pure parts of each profiler module on hand-built inputs."""

import cProfile
import pstats

import pytest

from reporter.errors import ArtifactError
from reporter.profilers import PROFILERS, is_harness
from reporter.profilers.cprofile import summarize_stats
from reporter.profilers.memray import top_sites, user_stack

RUNPY = "<frozen runpy>"


def test_registry_holds_each_profiler_once_in_report_order():
    assert list(PROFILERS) == ["cprofile", "pyinstrument", "memray"]
    for name, profiler in PROFILERS.items():
        assert profiler.name == name and profiler.suffix.startswith(".")


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
    summary = summarize_stats(stats, top=10)
    names = [r.function for r in summary.by_cumulative]
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


def test_memray_user_stack_stops_at_the_harness():
    stack = [("inner", "w.py", 3), ("<module>", "w.py", 9), ("_run_code", RUNPY, 88)]
    assert user_stack(stack) == stack[:2]
    assert user_stack(stack[:2]) == stack[:2]


def test_memray_top_sites_groups_by_line_and_sorts_by_bytes():
    here = [("make", "w.py", 3), ("<module>", "w.py", 9), ("run", RUNPY, 1)]
    there = [("load", "w.py", 7), ("<module>", "w.py", 10)]
    records = [
        (here, 100, 2, "PYMALLOC_MALLOC"),
        (here, 50, 1, "MALLOC"),
        (there, 400, 1, "MALLOC"),
        ([("_get_code", RUNPY, 5)], 999, 1, "MALLOC"),  # the harness compiling the script
    ]
    sites = top_sites(records, top=5)
    found = [(s.function, s.bytes, s.allocations) for s in sites]
    assert found == [("load", 400, 1), ("make", 150, 3)]
    assert sites[1].allocators == ["MALLOC", "PYMALLOC_MALLOC"]
    assert sites[1].stack == ["<module> (w.py:9)"]
