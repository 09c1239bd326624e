"""The system's view of a run against truth built into scripts: bytes written and fsynced, a
sleep, CPU burnt in two child processes, an orphan that must not escape; and `reporter
summary`, `--stdin`, `-m`."""

from __future__ import annotations

import json
import os
import shutil
import textwrap

import pytest

from reporter import results
from reporter.cli import main
from reporter.run import procfs
from reporter.analysis.process import CPU, IO, MIN_ELAPSED_S, MIN_SAMPLES, WAIT, script_window
from reporter.render.process import classify, process_view
from tests.conftest import RESOURCES

MIB = 2**20


@pytest.fixture(name="system", scope="module")
def fixture_system(tmp_path_factory):
    """One run of the four scripts: a bare run each, no profiler."""
    base = tmp_path_factory.mktemp("system")
    shutil.copytree(RESOURCES / "system", base / "scripts")
    out = base / "reports"
    code = main(["run", str(base / "scripts"), "--out", str(out), "--repeat", "1",
                 "--profilers", "", "--timeout", "300", "--no-lint"])
    run_dir = (out / "latest").resolve()
    run = results.load(run_dir / "results.json")
    assert code == 0, [(w.name, r.reason) for w in run.workloads for r in w.runs]
    return run_dir, {w.name: w for w in run.workloads}


def stats_of(workloads, name):
    """The process figures of the script's one bare run."""
    return workloads[name].middle_run.process


def test_bytes_written_and_fsynced_reach_the_storage_layer(system):
    _, workloads = system
    stats = stats_of(workloads, "writes")
    assert stats.write_bytes == pytest.approx(50 * MIB, rel=0.1)
    assert stats.wchar >= 50 * MIB
    verdict = classify(stats)  # a fast disk can make the script too short to tell
    window = script_window(stats)
    if window.elapsed_s >= MIN_ELAPSED_S and window.samples >= MIN_SAMPLES:
        assert verdict.kind.startswith(IO), verdict.sentence
    else:
        assert verdict is None


def test_a_sleeping_script_is_said_to_wait(system):
    _, workloads = system
    stats = stats_of(workloads, "sleeps")
    # the script's own window, which the verdict reads: start-up under coverage on a loaded
    # machine is CPU the sleeping script did not spend
    window = script_window(stats)  # between the samples around the script: about its 1 s
    assert stats.elapsed_s >= 1.0 and not window.whole and window.utilisation < 0.3
    assert stats.ctx_voluntary >= 1
    verdict = classify(stats)
    assert verdict.kind == WAIT and "slept or waited" in verdict.sentence


def test_cpu_burnt_in_two_children_is_counted_and_listed(system):
    _, workloads = system
    stats = stats_of(workloads, "two_children")
    assert stats.cpu_s >= 1.0  # rusage: both children were waited for
    burners = [c for c in stats.children if c.user_s + c.system_s >= 0.4]
    assert len(burners) == 2
    assert classify(stats).kind.startswith(CPU)
    view = process_view(workloads["two_children"])
    assert view.cpu and view.memory and view.io


def test_an_orphan_is_adopted_measured_and_stopped(system):
    _, workloads = system
    stats = stats_of(workloads, "orphan")
    sleepers = [c for c in stats.children if "time.sleep(60)" in c.command]
    assert sleepers, [c.command for c in stats.children]
    left = [pid for pid in os.listdir("/proc") if pid.isdigit()
            and "time.sleep(60)" in procfs.command_line(int(pid))]
    assert not left


def test_the_page_has_a_process_section_and_the_index_its_figures(system):
    run_dir, _ = system
    page = (run_dir / "two_children.html").read_text(encoding="utf-8")
    assert 'id="process"' in page and "CPU over time" in page and "cores busy" in page
    assert "main thread of the main process only" in page and "Sees:" not in page  # no profiler
    assert "cores busy" in (run_dir / "index.html").read_text(encoding="utf-8")


def test_reporter_summary_prints_every_script_as_json(system, capsys):
    run_dir, _ = system
    assert main(["summary", str(run_dir), "--json"]) == 0
    found = {w["name"]: w for w in json.loads(capsys.readouterr().out)["workloads"]}
    assert set(found) == {"writes", "sleeps", "two_children", "orphan"}
    keys = {"name", "status", "wall_s", "peak_bytes", "peak_rss_bytes", "cpu_user_s",
            "cpu_sys_s", "cpu_utilisation", "read_bytes", "write_bytes",
            "ctx_switches_voluntary", "ctx_switches_involuntary", "child_processes",
            "gc_time_share", "hottest_function"}
    for record in found.values():
        assert keys <= set(record) and record["status"] == "ok"
    assert found["writes"]["write_bytes"] >= 45 * MIB
    assert found["two_children"]["child_processes"] >= 2
    assert main(["summary", str(run_dir)]) == 0
    assert "two_children" in capsys.readouterr().out


def test_stdin_feeds_every_run_and_module_runs_as_python_m(tmp_path, write_script, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "greet.py").write_text(textwrap.dedent("""\
        import sys
        print(f"hello {input()} {sys.argv[1:]} {__name__}")
        """))
    (tmp_path / "input.txt").write_text("world\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "reports"
    assert main(["run", "-m", "pkg.greet", "--stdin", "input.txt", "--out", str(out),
                 "--repeat", "1", "--profilers", "cprofile", "--", "a"]) == 0
    raw = out / "latest" / "raw" / "greet"
    assert (raw / "bare-1.stdout.txt").read_text() == "hello world ['a'] __main__\n"
    assert (raw / "cprofile.stdout.txt").read_text() == "hello world ['a'] __main__\n"
    # Without --stdin, input() meets EOF and the reason says what to do.
    script = write_script("asks.py", "input()\n")
    assert main(["run", str(script), "--out", str(out), "--repeat", "1",
                 "--profilers", "", "--no-lint"]) == 1
    (workload,) = results.load(out / "latest" / "results.json").workloads
    assert "--stdin FILE" in workload.runs[0].reason
