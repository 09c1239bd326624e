"""The decorator in the README, in docs/decorator.md and in the report: its examples run as
shown."""

import re
import subprocess
import pstats
import sys
from pathlib import Path

import pytest

from reporter import results
from reporter.cli import main
from reporter.analysis.frames import walk
from reporter.harness import DECORATOR_OWN, is_decorator
from reporter.render.views import headline

ROOT = Path(__file__).resolve().parents[2]
DECORATOR_DOC = "docs/decorator.md"  # the lines=True example lives there


def doc_block(marker, doc="README.md"):
    """The fenced block that follows `<!-- marker -->` in the README or in a page of docs/."""
    text = (ROOT / doc).read_text()
    after = text.split(f"<!-- {marker} -->", 1)[1]
    return after.split("```", 2)[1].split("\n", 1)[1]


def normalise(text, folder):
    """Output with what varies from run to run (times, byte counts, the folder) blanked out."""
    text = text.replace(str(folder), "<dir>").replace("/home/student/homework", "<dir>")
    text = re.sub(r"\d+\.\d+", "<t>", text)
    text = re.sub(r"[\d,]+ B", "<n> B", text)
    return [line.rstrip() for line in text.strip().splitlines()]


def test_the_lines_example_in_the_docs_prints_the_table_they_show(tmp_path):
    (tmp_path / "example.py").write_text(doc_block("lines example", DECORATOR_DOC))
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True,
                          text=True, check=True, timeout=120)

    def columns(text):
        """Line number, hits and contents of each row: times and bytes are the machine's."""
        rows = text.split("Line #", 1)[1].splitlines()[2:]
        return [(row[:6], row[7:16], row[72:]) for row in rows if row.strip()]

    expected = columns(doc_block("lines output", DECORATOR_DOC))
    if sys.version_info >= (3, 12):  # PEP 709: the comprehension's items are line 6's hits
        expected = [(n, "  150,003" if n.strip() == "6" else hits, text)
                    for n, hits, text in expected]
    assert columns(done.stdout) == expected
    assert "tracer's own cost" in done.stdout


def test_the_readme_example_prints_what_the_readme_shows(tmp_path):
    (tmp_path / "example.py").write_text(doc_block("decorator example"))
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True,
                          text=True, check=True, timeout=120)
    expected = normalise(doc_block("decorator output"), tmp_path)
    if sys.version_info >= (3, 12):  # PEP 709: the comprehension runs inside squares
        expected = [line.replace("6 function calls", "3 function calls") for line in expected
                    if "(<listcomp>)" not in line]
    assert normalise(done.stdout, tmp_path) == expected
    assert pstats.Stats(str(tmp_path / "fib.prof")).total_calls == 65673


def test_decorated_functions_get_their_own_section(tmp_path):
    out = tmp_path / "reports"
    assert main(["run", str(ROOT / "workloads" / "profiled_functions.py"), "--out", str(out),
                 "--repeat", "1", "--profilers", "cprofile,pyinstrument,memray", "--no-lint", "--",
                 "12"]) == 0
    run = results.load(out / "latest" / "results.json")
    (workload,) = run.workloads
    found = {d.name: d for d in workload.decorated}
    assert set(found) == {"fib", "table", "running_mean", "build_index"}
    # lines=True: its table, every line of the function; the loop line runs 20,001 times a call
    index_lines = found["build_index"].lines
    assert index_lines and found["build_index"].file.endswith("profiled_functions.py")
    assert max(line.hits for line in index_lines) == 3 * 20_001
    assert any(line.peak_bytes >= 8 * 2**20 for line in index_lines)
    assert found["fib"].calls == 5 * 465 and found["fib"].nested_calls == 5 * 464
    assert found["table"].memory.calls == 3 and found["table"].memory.net_mean > 100_000
    assert any(r.function == "fib" for r in found["fib"].profile.functions)
    assert pstats.Stats(str(out / "latest" / found["fib"].artifact)).total_calls == 5 * 465
    assert [r.mode for r in workload.runs if r.decorated] == ["decorated"]  # a run of its own
    cprofiled = next(r for r in workload.runs if r.profiler == "cprofile")
    assert cprofiled.ok and not cprofiled.decorated  # under a profiler it only counted
    rows = {r.function: r for r in cprofiled.profile.functions}
    assert rows["fib"].calls == 5 * 465  # its own calls, the decorator spliced out
    # (the full table lists the standard library's update_wrapper and unwrap: not ours)
    assert not [f for f, r in rows.items() if ("wrapper" in f or "resume" in f)
                and not r.file.endswith(("functools.py", "inspect.py"))]
    # what the decorator itself cost is a row of its own, so the table adds up to the total
    table = cprofiled.profile
    assert any(r.function == DECORATOR_OWN for r in table.functions)
    assert sum(r.own_s for r in table.functions) == pytest.approx(table.total_s, rel=0.02)
    # in pyinstrument's tree too, the decorator's frames are gone: its cost, if sampled, is a
    # frame of its own, never part of the caller's own time
    sampled = next(r for r in workload.runs if r.profiler == "pyinstrument").graphs[0].tree
    assert not [f for _, f in walk(sampled) if is_decorator(f.file)]
    assert headline(workload).hottest.function != DECORATOR_OWN
    # memray's stacks survive the decorator (it stood down): the dicts `table` keeps at the
    # peak are the script's, not "[harness ...]"
    memray_run = next(r for r in workload.runs if r.profiler == "memray")
    peak = next(g for g in memray_run.graphs if g.name == "memory-peak").tree
    outside = sum(c.value for c in peak.children if c.function.startswith("["))
    assert outside < 0.2 * peak.value
    # (since 3.12 the comprehension runs inside `table` itself: PEP 709)
    assert any(site.function.endswith("<dictcomp>") or site.function == "table"
               for site in memray_run.profile.top_at_peak)
    page = (out / "latest" / "profiled_functions.html").read_text()
    # numbered in name order: build_index, fib...
    assert 'id="decorated"' in page and "graph-decorated-2-fib" in page
