"""Parallel profiled runs, timing runs alone, and incremental runs that reuse what is unchanged."""

import json
import shutil

from reporter import results
from reporter.cli import main
from reporter.run.cache import project_files
from tests.conftest import RESOURCES


def spans(run_dir):
    """(stem, start, end, parallel) of every child of a report."""
    found = []
    for path in sorted((run_dir / "raw").glob("*/*.process.json")):
        data = json.loads(path.read_text())
        found.append((path.parent.name + "/" + path.name.split(".")[0], data["started_at"],
                      data["ended_at"], data["parallel"]))
    return found


def test_profiled_runs_go_in_parallel_and_timing_runs_alone(tmp_path):
    for name in ("tiny.py", "raises.py"):
        shutil.copy(RESOURCES / name, tmp_path / name)
    out = tmp_path / "reports"
    main(["run", str(tmp_path / "tiny.py"), str(tmp_path / "raises.py"), "--out", str(out),
          "--repeat", "2", "--jobs", "2"])
    run_dir = (out / "latest").resolve()
    children = spans(run_dir)
    timing = [c for c in children if "/bare-" in c[0]]
    assert len(timing) == 4 and not any(c[3] for c in timing)
    for stem, start, end, _ in timing:  # nothing else of ours ran meanwhile
        assert not [o for o in children if o[0] != stem and o[1] < end and start < o[2]]
    profiled = [c for c in children if "/bare-" not in c[0]]
    assert all(c[3] for c in profiled)
    overlapping = [(a, b) for a in profiled for b in profiled
                   if a < b and a[1] < b[2] and b[1] < a[2]]
    assert overlapping  # with two jobs at once, some profiled runs did overlap
    run = results.load(run_dir / "results.json")
    assert all(r.parallel for w in run.workloads for r in w.profiled)
    assert "ran alongside each other" in (run_dir / "index.html").read_text()


def test_a_second_run_with_nothing_changed_reuses_everything(tmp_path):
    shutil.copy(RESOURCES / "tiny.py", tmp_path / "tiny.py")
    (tmp_path / "helper.py").write_text("VALUE = 1\n")
    (tmp_path / "tiny.py").write_text("import helper\n" + (tmp_path / "tiny.py").read_text())
    out = tmp_path / "reports"
    args = ["run", str(tmp_path / "tiny.py"), "--out", str(out), "--repeat", "2"]

    def run_once(*extra):
        assert main([*args, *extra]) == 0
        run_dir = (out / "latest").resolve()
        return run_dir, results.load(run_dir / "results.json").workloads[0]

    first_dir, first = run_once()
    second_dir, second = run_once()
    assert all(r.reused_from.startswith(first_dir.name) for r in second.runs)
    assert [r.wall_s for r in second.runs] == [r.wall_s for r in first.runs]
    assert second.runs[2].profile == first.runs[2].profile
    for record in second.runs:  # the files are there too, not only the summaries
        for path in record.artifacts.values():
            assert (second_dir / path).is_file()
    assert "reused, inputs unchanged" in (second_dir / "tiny.html").read_text()

    (tmp_path / "helper.py").write_text("VALUE = 2\n")  # an imported project file changed
    _, third = run_once()
    assert not [r for r in third.runs if r.reused_from]
    _, forced = run_once("--force")
    assert not [r for r in forced.runs if r.reused_from]
    shutil.rmtree(first_dir)  # the cache follows the newest copy, not the first report
    _, fourth = run_once()
    assert all(r.reused_from for r in fourth.runs)


def test_project_files_follow_imports_beside_the_script(tmp_path):
    (tmp_path / "main.py").write_text("import json\nimport a\nfrom pkg import b\n")
    (tmp_path / "a.py").write_text("import os\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from pkg import c\n")
    (tmp_path / "pkg" / "b.py").write_text("")
    found = {p.name for p in project_files(tmp_path / "main.py")}
    assert found == {"main.py", "a.py", "__init__.py", "b.py"}
