"""results.json: round trip, version check, and refusal of wrong types."""

import copy
import json

import pytest

from reporter import results
from reporter.errors import ReporterError
from reporter.vocabulary import Mode, Status
from reporter.results import (CProfileSummary, Environment, FlameGraph, Frame, FunctionStat,
                              PyinstrumentSummary, Run, RunRecord, TimingStats, WorkloadResult)


def sample_run() -> Run:
    """A run with one workload and a bare and a cprofile record."""
    stat = FunctionStat("<lambda>", "w.py", 3, 10, 10, 0.5, 1.0)
    runs = [
        RunRecord(Mode.BARE, 1, Status.OK, "", 0, 1.0, 1.2, ""),
        RunRecord(Mode.BARE, 2, Status.OK, "", 0, 1.2, 1.4, ""),
        RunRecord(Mode.PROFILED, 0, Status.OK, "", 0, 2.2, 2.5, "",
                  {"artifact": "raw/w/cprofile.prof"}, profiler="cprofile",
                  profile=CProfileSummary(10, 10, 1.0, [stat])),
        RunRecord(Mode.PROFILED, 0, Status.ERROR, "ValueError: x", 1, 1.1, 1.3, "Traceback",
                  profiler="pyinstrument", profile=PyinstrumentSummary(1.0, 10, 0.001, [FlameGraph(
                      "cpu", "CPU", "seconds", Frame("<module>", "w.py", 1, 1.0, 1.0))])),
    ]
    env = Environment("3.11.7", "CPython 3.11.7", "Linux", "/usr/bin/python3", "2026-01-01",
                      {"memray": "1.0"})
    return Run("20260101-000000-abcd", env, [WorkloadResult("w", "w.py", [], runs)])


def test_round_trip(tmp_path):
    path = tmp_path / "results.json"
    run = sample_run()
    results.save(run, path)
    assert results.load(path) == run
    assert json.loads(path.read_text())["format_version"] == results.FORMAT_VERSION


def test_derived_timing_and_overhead():
    workload = sample_run().workloads[0]
    assert workload.timing == TimingStats([1.0, 1.2])
    assert workload.timing.median == pytest.approx(1.1)
    assert workload.overhead(workload.runs[2]) == pytest.approx(2.0)
    assert [r.name for r in workload.failed] == ["pyinstrument"]


def test_single_sample_has_zero_spread():
    stats = TimingStats([2.0])
    assert stats.quartiles == (2.0, 2.0)
    assert stats.relative_iqr == 0.0


@pytest.mark.parametrize("version", [0, 1, 2, 3, 4, 5, 7, None, "6"])
def test_other_format_versions_are_refused_by_name(tmp_path, version):
    data = json.loads(results.to_json(sample_run()))
    data["format_version"] = version
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReporterError, match="results format"):
        results.load(path)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["workloads"][0]["runs"][0].update(wall_s="fast"), "wall_s: expected number"),
    (lambda d: d["workloads"][0]["runs"][2]["profile"].update(total_calls=True), "boolean"),
    (lambda d: d["workloads"][0].update(runs={}), "runs: expected list"),
    (lambda d: d["workloads"][0].update(colour="red"), "unknown field"),
    (lambda d: d["workloads"][0].pop("script"), "script"),
    (lambda d: d["workloads"].__setitem__(0, "text"), "expected dict"),
])
def test_a_damaged_workload_is_left_out_and_named(tmp_path, edit, message):
    data = json.loads(results.to_json(sample_run()))
    data["workloads"].append({**copy.deepcopy(data["workloads"][0]), "name": "intact"})
    edit(data)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    run = results.load(path)
    assert [w.name for w in run.workloads] == ["intact"]
    (problem,) = run.problems
    assert str(path) in problem and "workload 1 left out" in problem and message in problem


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["environment"].update(packages=[]), "packages: expected dict"),
    (lambda d: d.update(run_id=5), "run_id: expected str"),
    (lambda d: d.update(workloads="all"), "workloads: expected a list"),
])
def test_a_damaged_run_is_refused_with_the_field(tmp_path, edit, message):
    data = json.loads(results.to_json(sample_run()))
    edit(data)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReporterError, match=message) as info:
        results.load(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("text", ["", "[]", "{not json", "\xff"])
def test_unreadable_files_are_refused(tmp_path, text):
    path = tmp_path / "results.json"
    path.write_text(text, encoding="latin-1")
    with pytest.raises(ReporterError, match=str(path)):
        results.load(path)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ReporterError, match="cannot read"):
        results.load(tmp_path / "nope.json")
