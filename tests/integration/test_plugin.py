"""A profiler from outside reporter/ (tests/plugin/calls.py), named on the command line, is
run, collected, rendered and compared with no edit anywhere else; a results file naming a
profiler that is not installed is refused by its name."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reporter import results
from reporter.analysis import compare
from reporter.cli import main
from reporter.errors import ReporterError
from reporter.profilers.base import resolve
from tests.plugin.calls import CallCounter, CallCounts

SPEC = "tests.plugin.calls:CallCounter"
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """\
def helper(n):
    return n * 2


def main(times):
    return sum(helper(i) for i in range(times))


main({times})
"""


def _report(tmp_path, name, times):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "work.py").write_text(SCRIPT.format(times=times))
    out = tmp_path / "reports"
    assert main(["run", str(folder / "work.py"), "--out", str(out), "--repeat", "1",
                 "--profilers", SPEC, "--no-lint"]) == 0
    return (out / "latest").resolve()


@pytest.fixture(name="two_reports", scope="module")
def _two_reports(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("plugin")
    return _report(tmp_path, "base", 7), _report(tmp_path, "new", 9)


def test_a_plugin_profiler_is_run_collected_and_rendered(two_reports):
    base, _ = two_reports
    run = results.load(base / "results.json")
    assert run.profilers == {"calls": SPEC}  # so that a later render finds it again
    (workload,) = run.workloads
    record = workload.profiled_by("calls")
    assert record is not None and record.ok and not record.partial
    assert isinstance(record.profile, CallCounts)
    assert record.profile.counts == {"<module>": 1, "main": 1, "helper": 7, "<genexpr>": 8}
    assert (base / "raw" / "work" / "calls.calls.json").is_file()
    page = (base / "work.html").read_text(encoding="utf-8")
    assert 'id="calls"' in page and "Sees: the main thread&#39;s calls" in page
    assert "17 calls of the script's own functions, counted." in page
    assert "<th>calls</th>" in (base / "index.html").read_text(encoding="utf-8")


def test_a_fresh_process_renders_it_again_from_its_spec(two_reports):
    base, _ = two_reports
    (base / "work.html").unlink()
    done = subprocess.run([sys.executable, "-m", "reporter", "render", str(base)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "17 calls of the script" in (base / "work.html").read_text(encoding="utf-8")


def test_compare_diffs_what_the_plugin_names(two_reports):
    base, new = two_reports
    found = compare.compare(results.load(base / "results.json"),
                            results.load(new / "results.json"))
    (measure,) = [m for m in found.measures if m.measure == "calls counted"]
    assert (measure.base, measure.new) == (17, 21)
    helper = next(c for c in found.functions["work"] if c.function == "helper")
    assert (helper.base.calls, helper.new.calls) == (7, 9)


def test_a_results_file_of_a_profiler_not_installed_is_refused_by_name(two_reports, tmp_path):
    base, _ = two_reports
    data = json.loads((base / "results.json").read_text(encoding="utf-8"))
    data["profilers"] = {"ghost": "no_such_package.profiler:Ghost"}
    for record in data["workloads"][0]["runs"]:
        if record["profiler"]:
            record["profiler"] = "ghost"
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReporterError, match="not installed here: ghost"):
        results.load(tmp_path / "results.json")


def test_a_spec_that_names_no_profiler_is_a_usage_error(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--profilers", "tests.plugin.calls:CallCounts"])
    assert "is not a profiler" in capsys.readouterr().err


def test_an_installed_entry_point_names_a_profiler(tmp_path):
    info = tmp_path / "reporter_calls-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: reporter-calls\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[reporter.profilers]\ncalls = {SPEC}\n")
    probe = ("import sys; sys.path.insert(0, sys.argv[1]); "
             "from reporter.profilers import PROFILERS; "
             "print('calls' in PROFILERS, PROFILERS['calls'].summary.__name__)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["True", "CallCounts"], done.stderr


@pytest.mark.parametrize("name", ["bare", "decorated", "my/profiler", ""])
def test_a_profiler_is_named_by_a_word_that_is_no_mode(monkeypatch, name):
    monkeypatch.setattr(CallCounter, "name", name)
    with pytest.raises(ReporterError, match="a profiler is named by a word"):
        resolve(SPEC)


def test_a_profiler_without_its_template_is_refused(monkeypatch):
    monkeypatch.setattr(CallCounter, "template", "missing.html.j2")
    with pytest.raises(ReporterError, match="its template .* is missing"):
        resolve(SPEC)
