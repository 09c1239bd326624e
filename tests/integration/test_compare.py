"""Two real runs compared: a slowed-down case is flagged, unchanged code mostly is not."""

import sys

import pytest

from reporter import results
from reporter.analysis import compare
from reporter.cli import main
from reporter.render import render_comparison
from tests.conftest import RESOURCES


@pytest.fixture(name="runs", scope="module")
def fixture_runs(tmp_path_factory):
    """The tunable workload run twice as written, then once with its loop ten times as long
    (a difference no noise of a busy machine hides)."""
    out = tmp_path_factory.mktemp("compare") / "reports"
    folders = []
    for loops in ("400", "400", "4000"):
        assert main(["run", str(RESOURCES / "tunable.py"), "--out", str(out), "--repeat", "3",
                     "--bench-processes", "3", "--no-lint", "--", loops]) == 0
        folders.append((out / "latest").resolve())
    return folders


def test_a_slowed_down_case_is_flagged(runs, capsys):
    base, _, slower = runs
    assert main(["compare", str(base), str(slower), "--fail-above", "20"]) == 1
    out = capsys.readouterr()
    assert "slower" in out.out and "tunable · plain · loop" in out.out
    assert "more than --fail-above 20%" in out.err
    page = (slower / f"compare-{base.name}.html").read_text()
    assert 'class="verdict-slower"' in page and "Mann-Whitney" in page
    found = compare.compare(results.load(base / "results.json"),
                            results.load(slower / "results.json"))
    loop = next(t for t in found.timings if t.operation == "loop")
    assert loop.verdict.label == "slower" and loop.verdict.change > 2


def test_the_same_code_mostly_shows_no_change(runs, capsys):
    base, again, _ = runs
    assert main(["compare", str(base), str(again), "--out", str(again / "same.html")]) == 0
    found = compare.compare(results.load(base / "results.json"),
                            results.load(again / "results.json"))
    cases = [t for t in found.timings if t.variant != "whole script"]
    assert sum(not t.verdict.significant for t in cases) >= len(cases) - 1
    assert not found.warnings
    assert (again / "same.html").is_file() and "comparison:" in capsys.readouterr().out


def test_measures_functions_and_graphs_are_compared(runs):
    base, _, slower = runs
    found = compare.compare(results.load(base / "results.json"),
                            results.load(slower / "results.json"))
    assert {m.measure for m in found.measures} >= {"peak memory", "gc collections, generation 0"}
    assert found.functions["tunable"]
    assert any(g.graph.name == "diff-memray" for g in found.graphs)


def test_runs_from_different_pythons_carry_a_warning(runs, tmp_path):
    base, again, _ = runs
    old = results.load(base / "results.json")
    other = "3.10.13" if sys.version_info[:2] != (3, 10) else "3.13.0"
    old.environment.implementation = f"CPython {other}"
    old.environment.python = other
    found = compare.compare(old, results.load(again / "results.json"))
    assert any("different Pythons" in w for w in found.warnings)
    page = render_comparison(found, tmp_path / "compare.html").read_text()
    assert f"Not measured alike: different Pythons: CPython {other} and CPython " in page


def test_a_partial_capture_carries_a_warning(runs):
    base, again, _ = runs
    new = results.load(again / "results.json")
    record = next(r for r in new.workloads[0].runs if r.profiler == "pyinstrument")
    record.partial, record.partial_reason = True, "not seen for 1 s, while the script's own x"
    found = compare.compare(results.load(base / "results.json"), new)
    assert f"new tunable · pyinstrument is partial: {record.partial_reason}" in found.warnings
