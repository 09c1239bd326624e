"""Misbehaving scripts, damaged files, interruptions and concurrent runs: nothing is lost."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from reporter import results
from reporter.cli import main
from tests.conftest import RESOURCES

BAD = {
    "exits.py": ("exit", "exited with code 3"),
    "segfault.py": ("crashed", "SIGSEGV"),
    "hard_exit.py": ("crashed", "before the harness could report"),
    "hangs.py": ("timeout", "2 s timeout"),
    "syntax.py": ("error", "SyntaxError"),
    "missing.py": ("error", "FileNotFoundError"),
    "eats_memory.py": ("memory", "exceeded the 400 MiB memory limit"),
    "raises.py": ("error", "ValueError: workload failed on purpose"),
}
FINE = ("loud.py", "spawns.py", "deep.py", "tiny.py")
HANGS = "hangs.py"


def by_name(run, name):
    """The workload of that name."""
    return next(w for w in run.workloads if w.name == name)


@pytest.fixture(name="bad_run", scope="module")
def fixture_bad_run(tmp_path_factory):
    """One run of every misbehaving script and a few that behave, under two profilers.

    The timeout is generous, so a slow machine does not turn a script that finishes into one
    that timed out; the script that never ends runs on its own with a short one (its status
    cannot depend on the machine's speed), into the same report folder.
    """
    folder = tmp_path_factory.mktemp("bad")
    for name in [*BAD, *FINE]:
        if (RESOURCES / name).exists():
            shutil.copy(RESOURCES / name, folder / name)
    (folder / "syntax.py").write_text("def broken(:\n")
    out = folder / "reports"
    common = ["--out", str(out), "--repeat", "1", "--memory-limit", "400M",
              "--profilers", "cprofile,pyinstrument", "--no-lint"]  # lint: test_lint
    hung = main(["run", str(folder / HANGS), "--timeout", "2", *common])
    hung_dir = (out / "latest").resolve()
    code = main(["run", *(str(folder / n) for n in [*BAD, *FINE] if n != HANGS),
                 "--timeout", "300", *common])
    run = results.load(out / "latest" / "results.json")
    run.workloads.extend(results.load(hung_dir / "results.json").workloads)
    pages = {w.name: out / "latest" / f"{w.name}.html" for w in run.workloads}
    pages["hangs"] = hung_dir / "hangs.html"
    return max(code, hung), pages, run


@pytest.mark.parametrize("name", list(BAD))
def test_each_misbehaviour_gets_its_status_and_a_one_line_reason(bad_run, name):
    code, _, run = bad_run
    assert code == 1
    for record in by_name(run, Path(name).stem).runs:
        status, reason = BAD[name]
        assert record.status == status, (name, record.mode, record.reason)
        assert reason in record.reason and "\n" not in record.reason


def test_partial_profiles_are_used_and_flagged(bad_run):
    _, _, run = bad_run
    hung = next(r for r in by_name(run, "hangs").runs if r.profiler == "cprofile")
    assert hung.profile is not None and hung.partial  # SIGTERM let it save what it had
    raised = next(r for r in by_name(run, "raises").runs if r.profiler == "pyinstrument")
    assert raised.profile is not None and raised.partial
    gone = next(r for r in by_name(run, "hard_exit").runs if r.profiler == "cprofile")
    assert gone.profile is None and "wrote no capture" in gone.artifact_error


def test_scripts_that_behave_oddly_but_finish_are_fine(bad_run):
    _, pages, run = bad_run
    for name in FINE:
        assert all(r.ok for r in by_name(run, Path(name).stem).runs), name
    loud = by_name(run, "loud").runs[0]
    assert loud.stderr_tail.endswith("the last line\n") and "\ufffd" in loud.stderr_tail
    assert (pages["loud"].parent / loud.artifacts["stdout"]).stat().st_size > 3_000_000


def test_a_subprocess_left_behind_is_killed(bad_run):
    _, pages, run = bad_run
    for record in by_name(run, "spawns").runs:
        pid = int((pages["spawns"].parent / record.artifacts["stdout"]).read_text())
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)


def _state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").split()[2]
    except OSError:
        return "Z"


def test_deep_recursion_is_drawn_to_a_bounded_depth(bad_run):
    _, _, run = bad_run
    record = next(r for r in by_name(run, "deep").runs if r.profiler == "pyinstrument")
    assert_condensed_recursion(record.profile)


def assert_condensed_recursion(summary):
    """The guard condensed the middle of the recursion and kept where the time went."""
    assert summary.condensed_samples > 0
    assert summary.kept_root_frames and summary.kept_leaf_frames
    tree = summary.graphs[0].tree
    depth, names, leaves, pending = 0, set(), set(), [(tree, 0)]
    while pending:
        frame, level = pending.pop()
        depth = max(depth, level)
        names.add(frame.function)
        if not frame.children:
            leaves.add(frame.function)
        pending += [(c, level + 1) for c in frame.children]
    assert depth <= summary.kept_root_frames + summary.kept_leaf_frames + 1
    assert {"down", "[recursion]"} <= names and "sum" in leaves


def test_ten_thousand_frames_deep_finish_under_pyinstrument(tmp_path):
    shutil.copy(RESOURCES / "deep.py", tmp_path / "deep.py")
    out = tmp_path / "reports"
    assert main(["run", str(tmp_path / "deep.py"), "--out", str(out), "--repeat", "1",
                 "--profilers", "pyinstrument", "--timeout", "300", "--", "10000", "1000000"]) == 0
    (workload,) = results.load(out / "latest" / "results.json").workloads
    (record,) = workload.profiled
    assert record.ok
    assert_condensed_recursion(record.profile)
    assert "sampling guard acted" in (out / "latest" / "deep.html").read_text()


def test_every_page_still_renders(bad_run):
    _, pages, run = bad_run
    for workload in run.workloads:
        assert pages[workload.name].is_file()
    for index in {page.with_name("index.html") for page in pages.values()}:
        assert "did not finish cleanly" in index.read_text()


def test_damaged_captures_are_named_and_the_rest_renders(tmp_path, capsys):
    shutil.copy(RESOURCES / "tiny.py", tmp_path / "tiny.py")
    out = tmp_path / "reports"
    assert main(["run", str(tmp_path / "tiny.py"), "--out", str(out), "--repeat", "1"]) == 0
    run_dir = (out / "latest").resolve()
    raw = run_dir / "raw" / "tiny"
    (raw / "cprofile.prof").write_bytes(b"this is not a pstats file")
    capture = raw / "memray.memray.bin"
    capture.write_bytes(capture.read_bytes()[: capture.stat().st_size // 2])
    (raw / "pyinstrument.pyisession").write_text("{\"truncated\": ")
    (raw / "lines.lines.json").write_text("[]")
    assert main(["collect", str(run_dir)]) == 0
    err = capsys.readouterr().err
    for name in ("cprofile.prof", "memray.memray.bin", "pyinstrument.pyisession",
                 "lines.lines.json"):
        assert name in err
    (workload,) = results.load(run_dir / "results.json").workloads
    assert all(r.artifact_error for r in workload.profiled), \
        [(r.name, r.artifact_error) for r in workload.profiled]
    assert workload.timing is not None and workload.insights is not None, \
        [(r.name, r.status, r.reason, r.artifact_error) for r in workload.runs]
    assert "not a readable" in (run_dir / "tiny.html").read_text()


def test_a_damaged_results_file_leaves_the_other_workloads(tmp_path, capsys):
    for name in ("tiny.py", "exits.py"):
        shutil.copy(RESOURCES / name, tmp_path / name)
    out = tmp_path / "reports"
    main(["run", str(tmp_path / "tiny.py"), str(tmp_path / "exits.py"), "--out", str(out),
          "--repeat", "1", "--profilers", "cprofile"])
    run_dir = out / "latest"
    data = json.loads((run_dir / "results.json").read_text())
    data["workloads"][1]["runs"] = "edited by hand"
    (run_dir / "results.json").write_text(json.dumps(data))
    assert main(["render", str(run_dir)]) == 1
    err = capsys.readouterr().err
    assert "results.json: workload 2 left out" in err and "runs: expected list" in err
    assert "workload 2 left out" in (run_dir / "index.html").read_text()
    data["format_version"] = 99
    (run_dir / "results.json").write_text(json.dumps(data))
    assert main(["render", str(run_dir)]) == 2
    assert "results format 99 is not supported" in capsys.readouterr().err


def reporter_process(*args, cwd):
    """`python -m reporter ...` in the background, with Ctrl-C's default action even when the
    suite itself was started in the background of a shell (which ignores SIGINT there)."""
    # pylint: disable-next=subprocess-popen-preexec-fn
    return subprocess.Popen([sys.executable, "-m", "reporter", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint)


def _default_sigint():
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_keeps_what_finished_and_latest(tmp_path, signum):
    shutil.copy(RESOURCES / "tiny.py", tmp_path / "tiny.py")
    shutil.copy(RESOURCES / "hangs.py", tmp_path / "hangs.py")
    out = tmp_path / "reports"
    assert main(["run", str(tmp_path / "tiny.py"), "--out", str(out), "--repeat", "1",
                 "--profilers", "cprofile"]) == 0
    good = (out / "latest").resolve()
    running = reporter_process("run", "tiny.py", "hangs.py", "--out", str(out), "--repeat", "1",
                               "--profilers", "cprofile", "--timeout", "60", cwd=tmp_path)
    deadline = time.monotonic() + 60
    while not list(out.glob(".*.partial/raw/hangs/bare-1.stdout.txt")):
        assert time.monotonic() < deadline and running.poll() is None
        time.sleep(0.05)
    time.sleep(0.3)
    running.send_signal(signum)
    _, err = running.communicate(timeout=60)
    assert running.returncode == 130, err
    assert "interrupted" in err
    assert (out / "latest").resolve() == good
    (incomplete,) = [d for d in out.iterdir() if d.is_dir() and not d.is_symlink()
                     and d != good and not d.name.startswith(".")]
    run = results.load(incomplete / "results.json")
    assert not run.complete and (incomplete / "index.html").is_file()
    statuses = {r.status for w in run.workloads for r in w.runs}
    assert "ok" in statuses and "interrupted" in statuses and "not-run" in statuses
    assert "incomplete" in (incomplete / "index.html").read_text()
    assert not [p for p in Path("/proc").glob("[0-9]*") if _runs(p, "hangs.py")]


def _runs(proc, script):
    try:
        return script in (proc / "cmdline").read_bytes().decode(errors="replace") \
            and _state(int(proc.name)) != "Z"
    except OSError:
        return False


def test_two_runs_at_once_both_finish_and_latest_is_whole(tmp_path):
    shutil.copy(RESOURCES / "tiny.py", tmp_path / "tiny.py")
    out = tmp_path / "reports"
    runs = [reporter_process("run", "tiny.py", "--out", str(out), "--repeat", "1",
                             "--profilers", "cprofile", cwd=tmp_path) for _ in range(2)]
    for process in runs:
        process.communicate(timeout=120)
        assert process.returncode == 0
    folders = [d for d in out.iterdir() if d.is_dir() and not d.is_symlink()
               and not d.name.startswith(".")]
    assert len(folders) == 2
    latest = (out / "latest").resolve()
    assert latest in folders and results.load(latest / "results.json").complete
    leftovers = [p for p in out.glob(".*") if p.name != ".cache"]
    assert not leftovers  # no half-written folder or link left behind


def test_a_shared_bundle_holds_no_machine_paths(tmp_path):
    shutil.copy(RESOURCES / "tiny.py", tmp_path / "tiny.py")
    out = tmp_path / "reports"
    assert main(["run", str(tmp_path / "tiny.py"), "--out", str(out), "--repeat", "1",
                 "--redact-paths", "--share"]) == 0
    run_dir = (out / "latest").resolve()
    bundle = run_dir.with_name(run_dir.name + "-shared.zip")
    secrets = [str(tmp_path), str(Path.home()) + os.sep, sys.prefix]
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert f"{run_dir.name}/index.html" in names and f"{run_dir.name}/tiny.html" in names
        # full captures stay home; snakeviz's .prof and the pruned speedscope exports travel
        assert not [n for n in names if n.endswith((".bin", ".pyisession"))]
        assert [n for n in names if n.endswith(".prof")]
        assert [n for n in names if "/speedscope/" in n]
        for name in names:
            data = archive.read(name)
            for secret in secrets:
                assert secret.encode() not in data, (name, secret)
        assert "&lt;tmp&gt;/" in archive.read(f"{run_dir.name}/tiny.html").decode()
    for page in run_dir.glob("*.html"):  # --redact-paths: the report itself too
        assert str(tmp_path) not in page.read_text()


def test_redacted_paths_inside_the_project_are_relative_to_it(tmp_path, monkeypatch):
    project = tmp_path / "homework"
    (project / "pkg").mkdir(parents=True)
    shutil.copy(RESOURCES / "tiny.py", project / "pkg" / "tiny.py")
    monkeypatch.chdir(project)  # the project is where the student runs the reporter
    assert main(["run", "pkg/tiny.py", "--out", "reports", "--repeat", "1",
                 "--profilers", "cprofile", "--redact-paths"]) == 0
    page = (project / "reports" / "latest" / "tiny.html").read_text()
    assert "pkg/tiny.py:" in page and str(tmp_path) not in page
    assert "&lt;tmp&gt;/homework" not in page  # inside the project: relative, not <tmp>/


def test_the_terminal_says_a_stopped_run_with_the_pages_words(tmp_path, capsys):
    script = tmp_path / HANGS
    shutil.copy(RESOURCES / HANGS, script)
    main(["run", str(script), "--out", str(tmp_path / "reports"), "--repeat", "1",
          "--timeout", "2", "--profilers", "cprofile"])
    said = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    for stem in ("bare-1", "cprofile"):
        assert (f"hangs · {stem}: timed out: killed after the 2 s timeout "
                "(--timeout SECONDS raises it)") in said
    assert "exit status -9" not in said
