"""Our figures against an independent reading of the same capture, on workloads whose answer is
known by construction; and the invariants every tree and table keeps."""

from __future__ import annotations

import cProfile
import json
import pstats
import runpy
import subprocess
import sys
import textwrap
from collections import Counter

import pytest

from reporter import results
from reporter.analysis.frames import walk
from reporter.cli import main
from reporter.profilers.cprofile import qualified_stats

# Two dataclasses whose generated __init__ share pstats' key ('<string>', 2, '__init__'),
# one hot function, and one class hierarchy whose method pyinstrument would name by `self`.
KNOWN = textwrap.dedent("""\
    from dataclasses import dataclass

    @dataclass
    class Data:
        x: int
        y: int

    @dataclass(slots=True)
    class DataSlots:
        x: int
        y: int

    class Base:
        def area(self):
            return sum(range(50))

    class Square(Base):
        pass

    def hot(n):
        total = 0
        for i in range(n):
            total += i * i
        return total

    def main():
        for i in range(1_000):
            Data(i, i)
        for i in range(3_000):
            DataSlots(i, i)
        for _ in range(200):
            Square().area()
        return hot(300_000)

    main()
""")


@pytest.fixture(name="known_script")
def fixture_known_script(tmp_path):
    """The script whose answers are known by construction."""
    path = tmp_path / "known.py"
    path.write_text(KNOWN)
    return path


@pytest.mark.skipif(sys.version_info < (3, 10), reason="dataclass(slots=True) needs 3.10")
def test_qualified_stats_agree_with_pstats_and_keep_what_it_overwrites(known_script):
    # pylint: disable=too-many-locals
    profile = cProfile.Profile()
    profile.enable()
    try:
        namespace = runpy.run_path(str(known_script), run_name="__main__")
    finally:
        profile.disable()
    ours = qualified_stats(profile)  # as in the child: the script's classes are still alive
    del namespace
    shared = Counter(cProfile.label(e.code) for e in profile.getstats())  # type: ignore
    profile.create_stats()
    theirs = profile.stats  # type: ignore[attr-defined]  # pstats' own reading, same capture
    by_place: dict[tuple[str, int], list[tuple[str, int, str]]] = {}
    for key in ours:
        by_place.setdefault(key[:2], []).append(key)
    checked = 0
    for (file, line, name), (cc, nc, tt, ct, _) in list(theirs.items()):
        mine = [k for k in by_place.get((file, line), [])
                if k[2].rsplit(".", 1)[-1] == name or file == "~"]
        if file == "~" or len(mine) != 1 or shared[(file, line, name)] > 1:
            continue  # built-ins lose their address; keys pstats overwrites: below
        assert ours[mine[0]][:4] == (cc, nc, tt, ct), mine[0]
        checked += 1
    assert checked >= 5
    inits = {k[2]: v[1] for k, v in ours.items()
             if k[0] == "<string>" and k[2].endswith("__init__")}
    assert inits == {"Data.__init__": 1_000, "DataSlots.__init__": 3_000}
    assert theirs[("<string>", 2, "__init__")][1] in (1_000, 3_000)  # pstats keeps only one
    assert any(k[2] == "Base.area" for k in ours)  # the defining class, not type(self)


def test_the_cprofile_table_is_pstats_of_the_same_prof_and_shares_stay_below_100(
        known_script, tmp_path):
    # pylint: disable=too-many-locals
    out = tmp_path / "reports"
    assert main(["run", str(known_script), "--out", str(out), "--repeat", "1",
                 "--profilers", "cprofile,pyinstrument", "--no-lint"]) == 0
    run_dir = (out / "latest").resolve()
    (workload,) = results.load(run_dir / "results.json").workloads
    record = next(r for r in workload.runs if r.profiler == "cprofile")
    summary = record.profile
    prof = pstats.Stats(str(run_dir / record.artifacts["artifact"]))
    table = prof.stats  # type: ignore[attr-defined]
    for row in [*summary.functions, *summary.by_own]:
        key = (row.file or "~", row.line, row.function)
        cc, nc, tt, ct, _ = table[key]
        assert (row.primitive_calls, row.calls, row.own_s, row.cumulative_s) == (cc, nc, tt, ct)
        assert row.cumulative_s <= summary.total_s + 1e-12
    names = {row.function for row in [*summary.functions, *summary.by_own]}
    assert {"main", "hot", "Data.__init__", "DataSlots.__init__"} <= names
    hottest_own = summary.by_own[0]
    assert hottest_own.function == "hot"  # by construction
    for graph in record.graphs:
        assert_tree_invariants(graph.tree)
        assert graph.tree.value == pytest.approx(summary.total_s, rel=0.01)
    sampled = next(r for r in workload.runs if r.profiler == "pyinstrument")
    for graph in sampled.graphs:
        assert_tree_invariants(graph.tree)


def assert_tree_invariants(tree):
    """A frame's value is at least its children's and its own; nothing negative."""
    for _, frame in walk(tree):
        assert frame.self_value >= 0 and frame.value >= 0
        below = sum(c.value for c in frame.children)
        assert below <= frame.value * (1 + 1e-9) + 1e-12, frame.function
        assert frame.self_value <= frame.value * (1 + 1e-9) + 1e-12


def test_pyinstrument_totals_are_the_saved_sessions(known_script, tmp_path):
    from pyinstrument.session import Session  # pylint: disable=import-outside-toplevel
    out = tmp_path / "reports"
    assert main(["run", str(known_script), "--out", str(out), "--repeat", "1",
                 "--profilers", "pyinstrument", "--no-lint"]) == 0
    run_dir = (out / "latest").resolve()
    (workload,) = results.load(run_dir / "results.json").workloads
    (record,) = workload.profiled
    session = Session.load(str(run_dir / record.artifacts["artifact"]))
    assert record.profile.duration_s == session.duration
    assert record.profile.samples == session.sample_count
    theirs = session.root_frame()
    script = next(f for f in _pyi_walk(theirs) if f.function == "_run_code")
    tree = record.profile.graphs[0].tree
    assert tree.value == pytest.approx(script.time, rel=1e-9)  # pruning keeps totals exact
    hot_theirs = sum(f.time for f in _pyi_walk(theirs) if f.function == "hot")
    hot_ours = sum(f.value for _, f in walk(tree) if f.function == "hot")
    assert hot_ours == pytest.approx(hot_theirs, rel=1e-9) and hot_ours > 0.3 * tree.value
    assert_tree_invariants(tree)


def _pyi_walk(frame):
    pending = [frame]
    while pending:
        frame = pending.pop()
        yield frame
        pending.extend(frame.children)


MEMORY_KNOWN = textwrap.dedent("""\
    KEEP = []

    def churn():
        big = bytearray(50 * 1024 * 1024)  # 50 MiB, freed before the end
        del big

    def keep():
        KEEP.append(bytearray(5 * 1024 * 1024))  # 5 MiB, kept until exit

    churn()
    keep()
""")
MIB = 1024 * 1024


def test_memray_figures_agree_with_memrays_own_full_capture(tmp_path):
    script = tmp_path / "memknown.py"
    script.write_text(MEMORY_KNOWN)
    out = tmp_path / "reports"
    assert main(["run", str(script), "--out", str(out), "--repeat", "1",
                 "--profilers", "memray", "--no-lint"]) == 0
    (workload,) = results.load(out / "latest" / "results.json").workloads
    ours = workload.profiled[0].profile
    # memray's own reading: a second capture in its full format, and `memray stats --json`
    full, stats = tmp_path / "full.bin", tmp_path / "stats.json"
    subprocess.run([sys.executable, "-m", "memray", "run", "--trace-python-allocators", "-q",
                    "-o", str(full), str(script)], check=True, timeout=300, cwd=tmp_path)
    subprocess.run([sys.executable, "-m", "memray", "stats", "--json", "-f", "-o", str(stats),
                    str(full)], check=True, timeout=300, cwd=tmp_path, capture_output=True)
    theirs = json.loads(stats.read_text())["metadata"]["peak_memory"]
    from memray import FileReader  # pylint: disable=import-outside-toplevel
    reader = FileReader(str(full))
    leaked = sum(r.size for r in reader.get_leaked_allocation_records())
    # The same work, two captures of it: within 5% and 2 MiB (interpreter start-up differs).
    assert abs(ours.peak_bytes - theirs) <= 0.05 * theirs + 2 * MIB
    assert abs(ours.exit_bytes - leaked) <= 0.05 * leaked + 2 * MIB
    assert 50 * MIB <= ours.peak_bytes < 54 * MIB and 5 * MIB <= ours.exit_bytes < 7 * MIB
    top_peak, top_exit = ours.top_at_peak[0], ours.top_at_exit[0]
    assert (top_peak.function, top_peak.line, top_peak.bytes >= 50 * MIB) == ("churn", 4, True)
    assert (top_exit.function, top_exit.line, top_exit.bytes >= 5 * MIB) == ("keep", 8, True)
    tree = next(g for g in workload.profiled[0].graphs if g.name == "memory-peak").tree
    assert tree.value == pytest.approx(ours.peak_bytes, rel=0.001)  # the caption's figure
    assert_tree_invariants(tree)
    assert_lines_agree(ours, reader, str(script))


def assert_lines_agree(ours, reader, script):
    """Per line: memray's own records, each charged to its innermost frame in the script."""
    def by_line(records):
        found = Counter()
        for record in records:
            line = next((n for _, f, n in record.stack_trace() if f == script), None)
            if line is not None:
                found[line] += record.size
        return found

    peak_lines = by_line(reader.get_high_watermark_allocation_records())
    exit_lines = by_line(reader.get_leaked_allocation_records())
    mine = {r.line: r for r in ours.lines}
    for line in (4, 8):
        assert mine[line].peak_bytes == pytest.approx(peak_lines[line], rel=0.02, abs=64 * 1024)
        assert mine[line].exit_bytes == pytest.approx(exit_lines[line], rel=0.02, abs=64 * 1024)
    assert mine[4].exit_bytes < 64 * 1024 <= 5 * MIB <= mine[8].exit_bytes
