"""The whole pipeline on tiny real workloads: real children, real captures, real HTML."""

from __future__ import annotations

import json
import pstats
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reporter import results
from reporter.cli import main
from reporter.profilers.base import OURS
from tests.conftest import RESOURCES


@pytest.fixture(name="good_run", scope="module")
def fixture_good_run(tmp_path_factory):
    """One run of a clean and a raising workload under every profiler."""
    base = tmp_path_factory.mktemp("good")
    scripts = base / "scripts"
    scripts.mkdir()
    for name in ("tiny.py", "raises.py"):
        shutil.copy(RESOURCES / name, scripts / name)
    out = base / "reports"
    code = main(["run", str(scripts), "--out", str(out), "--repeat", "2", "--timeout", "120",
                 "--", "--size", "3"])
    run_dir = (out / "latest").resolve()
    return code, run_dir, results.load(run_dir / "results.json")


def by_name(run, name):
    """The workload of that name."""
    (workload,) = [w for w in run.workloads if w.name == name]
    return workload


def run_of(workload, mode):
    """The (first) run record of that mode."""
    return next(r for r in workload.runs if r.name == mode)


def test_every_mode_ran_and_a_failure_sets_the_exit_code(good_run):
    code, _, run = good_run
    assert code == 1
    tiny = by_name(run, "tiny")
    assert [r.name for r in tiny.runs] == ["bare", "bare", *OURS]
    assert all(r.ok for r in tiny.runs), [r.reason for r in tiny.runs]
    assert tiny.timing is not None and len(tiny.timing.samples) == 2
    assert all(tiny.overhead(r) > 0 for r in tiny.profiled)


def test_script_runs_as_main_with_its_argv_and_folder(good_run):
    _, run_dir, run = good_run
    tiny = by_name(run, "tiny")
    for record in tiny.runs:
        seen = json.loads((run_dir / record.artifacts["stdout"]).read_text())
        assert seen["name"] == "__main__"
        assert seen["argv"] == [tiny.script, "--size", "3"]
        assert seen["path0"] == str(Path(tiny.script).resolve().parent)


def test_cprofile_capture_loads_in_pstats_and_is_summarised(good_run):
    _, run_dir, run = good_run
    record = run_of(by_name(run, "tiny"), "cprofile")
    stats = pstats.Stats(str(run_dir / record.artifacts["artifact"]))
    assert any(func[2] == "build" for func in stats.stats)  # type: ignore[attr-defined]
    functions = {r.function: r for r in record.profile.functions}
    assert functions["spin.<locals>.<lambda>"].calls == 200_000
    assert functions["spin"].cumulative_s >= functions["spin.<locals>.<lambda>"].cumulative_s
    assert "run_path" not in functions  # the harness is not the user's code


def test_pyinstrument_tree_starts_at_the_script(good_run):
    _, _, run = good_run
    record = run_of(by_name(run, "tiny"), "pyinstrument")
    (graph,) = record.profile.graphs
    assert graph.tree.function == "<module>" and graph.tree.file.endswith("tiny.py")
    assert {"spin", "build"} & {c.function for c in graph.tree.children}
    assert record.profile.samples > 0


def test_cprofile_tree_is_rebuilt_and_marked_approximate(good_run):
    _, _, run = good_run
    (graph,) = run_of(by_name(run, "tiny"), "cprofile").profile.graphs
    assert graph.approximate
    module = next(c for c in graph.tree.children if c.file.endswith("tiny.py"))
    assert {"spin", "build"} <= {c.function for c in module.children}


def test_memray_sees_the_objects_the_script_keeps(good_run):
    _, _, run = good_run
    memory = run_of(by_name(run, "tiny"), "memray").profile
    assert memory.traces_python_allocators
    assert memory.peak_bytes > 1_000_000  # 20,000 points with their dicts
    assert memory.peak_allocations > 20_000
    assert any(s.file.endswith("tiny.py") and s.allocations >= 20_000 for s in memory.top_at_peak)
    assert memory.exit_bytes > 1_000_000  # KEEP is still alive when the script ends
    # runpy imports pkgutil to run the script: that is the harness's memory, not the script's
    assert not [s for s in memory.top_at_peak + memory.top_at_exit if "pkgutil" in s.file]
    assert len(memory.timeline) > 2
    assert max(p.heap_bytes for p in memory.timeline) <= memory.peak_bytes
    assert sum(b.allocations for b in memory.sizes_at_peak) == memory.peak_allocations
    peak = next(g for g in memory.graphs if g.name == "memory-peak")
    assert peak.tree.value == sum(memory.bytes_by_allocator_at_peak.values())


def test_every_graph_is_exported_for_speedscope(good_run):
    _, run_dir, run = good_run
    exported = sorted(p.name for p in (run_dir / "speedscope").iterdir())
    graphs = [g for w in run.workloads for r in w.runs for g in r.graphs]
    assert len(exported) == len(graphs) >= 5
    doc = json.loads((run_dir / "speedscope" / "tiny.cpu.speedscope.json").read_text())
    assert doc["profiles"][0]["type"] == "sampled"


def test_a_raising_script_is_reported_and_still_profiled(good_run):
    _, _, run = good_run
    failing = by_name(run, "raises")
    for record in failing.runs:
        assert record.status == "error"
        assert record.reason == "ValueError: workload failed on purpose"
        assert "Traceback" in record.stderr_tail
    assert any(r.function == "work" for r in run_of(failing, "cprofile").profile.functions)
    assert run_of(failing, "pyinstrument").profile is not None
    assert run_of(failing, "memray").profile is not None


def test_html_has_every_run_and_escapes_names(good_run):
    _, run_dir, run = good_run
    index = (run_dir / "index.html").read_text()
    for workload in run.workloads:
        assert f'href="{workload.name}.html"' in index
        page = (run_dir / f"{workload.name}.html").read_text()
        assert page.count("<tr>") >= len(workload.runs)
        for mode in OURS:
            assert f'id="{mode}"' in page
    tiny = (run_dir / "tiny.html").read_text()
    assert "&lt;lambda&gt;" in tiny and "<lambda>" not in tiny
    assert "&lt;module&gt;" in tiny
    assert "snakeviz raw/tiny/cprofile.prof" in tiny
    assert "ValueError: workload failed on purpose" in (run_dir / "raises.html").read_text()


def test_artifact_links_point_at_files_in_the_report(good_run):
    _, run_dir, run = good_run
    for workload in run.workloads:
        for record in workload.runs:
            for path in record.artifacts.values():
                assert (run_dir / path).is_file(), path


def test_render_rebuilds_the_same_pages_from_results(good_run, capsys):
    _, run_dir, _ = good_run
    before = (run_dir / "tiny.html").read_text()
    (run_dir / "tiny.html").unlink()
    assert main(["render", str(run_dir)]) == 0
    assert (run_dir / "tiny.html").read_text() == before
    assert "index.html" in capsys.readouterr().out


def test_latest_points_at_a_finished_run(good_run):
    _, run_dir, _ = good_run
    assert (run_dir.parent / "latest").is_symlink()
    assert not list(run_dir.parent.glob(".*partial"))


def test_clean_run_exits_zero(tmp_path):
    script = tmp_path / "ok.py"
    script.write_text("print(sum(range(10)))\n")
    assert main(["run", str(script), "--out", str(tmp_path / "r"), "--repeat", "1",
                 "--profilers", "cprofile"]) == 0


def test_usage_errors_are_one_line(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(empty), "--out", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err.strip().startswith("reporter: error: no Python scripts")
    with pytest.raises(SystemExit):
        main(["run", "--profilers", "perf"])
    assert "unknown profiler perf" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run", "--timeout", "0"])


def test_module_entry_point_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "reporter", "render", str(tmp_path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "results.json" in done.stderr


@pytest.mark.parametrize("ending, status, code", [
    ("sys.exit(not main())", "ok", 0),  # main() returned True: exits 0, as python does
    ("sys.exit(main())", "exit", 1),  # True is the exit status 1
])
def test_a_script_that_exits_with_a_boolean_is_read_as_python_exits(tmp_path, ending, status,
                                                                    code):
    script = tmp_path / "boolean_exit.py"
    script.write_text(f"import sys\n\n\ndef main():\n    return True\n\n\n{ending}\n")
    main(["run", str(script), "--out", str(tmp_path / "r"), "--repeat", "1",
          "--profilers", "cprofile"])
    (workload,) = results.load(tmp_path / "r" / "latest" / "results.json").workloads
    assert [(r.name, r.status, r.exit_code) for r in workload.runs] == [
        ("bare", status, code), ("cprofile", status, code)]
    assert all(r.wall_s is not None for r in workload.runs)  # the child's record was read
