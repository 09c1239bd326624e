"""Lint, as the homework asks: the real flake8 and pylint on scripts, in real subprocesses."""

import json
import shutil
import sys

from reporter import results
from reporter.cli import main
from reporter.render.views import lint_view
from reporter.run import lint, runner
from reporter.run.lint import OWN_PROJECT, Linter
from reporter.vocabulary import Mode
from tests.conftest import RESOURCES

LINT = RESOURCES / "lint"


def found(record):
    """(tool, code, line) of every finding."""
    return {(f.tool, f.code, f.line) for f in record.findings}


def test_a_clean_script_scores_ten_with_no_findings():
    record = lint.lint(LINT / "clean.py")
    assert record.score == 10.0 and record.findings == [] and not record.syntax_error
    assert [t.name for t in record.tools] == ["flake8", "pylint"]
    assert all(t.version and not t.problem and not t.config for t in record.tools)


def test_known_findings_come_with_their_codes_and_lines():
    record = lint.lint(LINT / "findings.py")
    assert {("flake8", "F401", 1), ("pylint", "W0611", 1), ("pylint", "C0114", 1),
            ("pylint", "C0116", 6), ("flake8", "E501", 7), ("pylint", "C0301", 7)} \
        <= found(record)
    assert record.score is not None and record.score < 10
    assert all(f.file == str(LINT / "findings.py") for f in record.findings)
    unused = next(f for f in record.findings if f.code == "W0611")
    assert unused.symbol == "unused-import" and "os" in unused.message


def test_the_scripts_own_nearest_configuration_is_used(tmp_path):
    project = tmp_path / "homework"
    (project / "part1").mkdir(parents=True)
    script = project / "part1" / "long.py"
    script.write_text('X = "' + "a" * 90 + '"\nprint(X)\n')
    before = lint.lint(script)
    assert {("flake8", "E501", 1), ("pylint", "C0114", 1)} <= found(before)
    (project / ".git").mkdir()  # the project's root: the search stops here
    (project / "setup.cfg").write_text("[flake8]\nmax-line-length = 120\n\n"
                                       "[pylint.messages control]\n"
                                       "disable = missing-module-docstring\n")
    (tmp_path / ".pylintrc").write_text("[MAIN]\ndisable = all\n")  # beyond the root: unused
    after = lint.lint(script)
    assert found(after) == set() and after.score == 10.0
    assert [t.config for t in after.tools] == [str(project / "setup.cfg")] * 2


def test_our_own_configuration_is_never_applied(tmp_path):
    # Ours allows 100 characters a line, disables too-few-public-methods, and lets a test_
    # function go without a docstring: the tools' defaults do none of that.
    expected = {("pylint", "R0903", 4), ("pylint", "C0116", 11), ("flake8", "E501", 1)}
    in_our_tree = lint.lint(LINT / "ours.py")
    assert LINT.resolve().is_relative_to(OWN_PROJECT)
    shutil.copy(LINT / "ours.py", tmp_path / "ours.py")
    elsewhere = lint.lint(tmp_path / "ours.py")
    for record in (in_our_tree, elsewhere):
        assert expected <= found(record)
        assert [t.config for t in record.tools] == ["", ""]


def test_a_script_that_does_not_parse_says_so_with_its_line():
    record = lint.lint(LINT / "syntax_error.py")
    assert (record.syntax_error, record.syntax_line) == ("SyntaxError: invalid syntax", 3)
    assert {("flake8", "E999", 3), ("pylint", "E0001", 3)} <= found(record)


def test_a_script_named_like_an_option_is_still_a_file_to_both_tools(tmp_path):
    script = tmp_path / "-x.py"
    script.write_text("import os\n")
    record = lint.lint(script)
    assert {("flake8", "F401", 1), ("pylint", "W0611", 1)} <= found(record)
    assert {f.file for f in record.findings} == {str(script)}


def test_a_tool_that_is_missing_crashes_or_hangs_is_said_in_one_line(tmp_path, monkeypatch):
    script = tmp_path / "clean.py"
    shutil.copy(LINT / "clean.py", script)
    (tmp_path / "crashes.py").write_text("raise SystemExit('internal error: no astroid')\n")
    (tmp_path / "hangs.py").write_text("import time\ntime.sleep(60)\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # the child imports them from the folder
    missing, crashes, hangs = (Linter("nolint", "no_such_linter_module"),
                               Linter("crashes", "crashes"), Linter("hangs", "hangs"))
    record = lint.lint(script, timeout=1, linters=[missing, crashes, hangs])
    assert [t.problem for t in record.tools] == [
        f"nolint is not installed (in {sys.executable})",
        "crashes failed (exit status 1): internal error: no astroid",
        "hangs timed out after 1 s"]
    assert record.findings == [] and record.score is None


def test_a_run_lints_its_scripts_and_findings_leave_its_status_alone(tmp_path):
    for name in ("findings.py", "syntax_error.py"):
        shutil.copy(LINT / name, tmp_path / name)
    out = tmp_path / "reports"
    code = main(["run", str(tmp_path / "findings.py"), str(tmp_path / "syntax_error.py"),
                 "--out", str(out), "--repeat", "1", "--profilers", "memray"])
    run_dir = (out / "latest").resolve()
    run = results.load(run_dir / "results.json")
    workloads = {w.name: w for w in run.workloads}
    findings, broken = workloads["findings"], workloads["syntax_error"]
    assert code == 1  # the script that does not parse fails its runs; lint adds nothing
    assert all(r.ok for r in findings.runs) and findings.lint and not findings.lint.error
    assert ("pylint", "W0611", 1) in found(findings.lint)
    assert broken.lint.syntax_line == 3
    assert not [r for w in run.workloads for r in w.runs if r.mode == Mode.LINT]
    page = (run_dir / "findings.html").read_text()
    section = page[page.index('<section class="lint"'):]
    section = section[:section.index("</section>")]
    assert f'{findings.lint.score:.2f}/10' in section and "W0611" in section
    # memray charged a line of the script, so the page shows its source: each line is linked
    for line in (1, 6, 7):
        assert f'<a href="#src1-L{line}">' in section and f'id="src1-L{line}"' in page
    assert '<a href="#lint">' in page
    broken_page = (run_dir / "syntax_error.html").read_text()
    assert "does not parse: SyntaxError: invalid syntax at line 3" in broken_page
    assert "syntax_error.py:3</td>" in broken_page  # no source view: the line said plainly
    index = (run_dir / "index.html").read_text()
    assert f"pylint {findings.lint.score:.2f}/10, {len(findings.lint.findings)} findings" \
        in index


def test_no_lint_skips_it_and_an_unchanged_script_reuses_its_findings(tmp_path):
    shutil.copy(LINT / "clean.py", tmp_path / "clean.py")
    out = tmp_path / "reports"
    args = ["run", str(tmp_path / "clean.py"), "--out", str(out), "--repeat", "1",
            "--profilers", ""]

    def run_once(*extra):
        assert main([*args, *extra]) == 0
        run_dir = (out / "latest").resolve()
        return run_dir, results.load(run_dir / "results.json").workloads[0]

    run_dir, skipped = run_once("--no-lint")
    assert skipped.lint is None
    assert [j.mode for j in runner.load_plan(run_dir / "raw")[0]] == [Mode.BARE]
    assert 'id="lint"' not in (run_dir / "clean.html").read_text()
    _, first = run_once()
    assert first.lint.score == 10.0 and not first.lint.reused_from
    _, second = run_once()
    assert second.lint.reused_from and second.lint.findings == first.lint.findings
    (tmp_path / "tox.ini").write_text("[flake8]\nmax-line-length = 60\n")  # a new config
    run_dir, third = run_once()
    assert not third.lint.reused_from and ("flake8", "E501", 1) in found(third.lint)
    assert third.lint.tools[0].config == str(tmp_path / "tox.ini")
    view = lint_view(third)
    assert view.tools[0] == f"flake8 {third.lint.tools[0].version}, with {tmp_path}/tox.ini"
    lint_json = json.loads((run_dir / "raw" / "clean" / "lint.findings.json").read_text())
    assert lint_json["version"] == 1 and lint_json["findings"]
