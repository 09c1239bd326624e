"""The lint job's parts on their own: finding the configuration, reading the tools' output,
the record's way into the results, and the section's view and page."""

import json

import pytest

from reporter import render
from reporter.collect import collect_lint
from reporter.render.format import short_path
from reporter.render.source import LinesView, SourceBlock, SourceFile
from reporter.render.views import index_page, lint_view, summary_record, workload_page
from reporter.results import Environment, Lint, LintFinding, LintTool, Run, WorkloadResult
from reporter.run import lint
from reporter.run.lint import FLAKE8, LINTERS, OWN_PROJECT, PYLINT
from reporter.run.records import RECORDS_VERSION, LintRecord, ProcessRecord
from reporter.run.runner import LINT_SUFFIX, Job, Limits, Workload, command, plan
from reporter.vocabulary import Mode


@pytest.mark.parametrize("name, text, section, configures", [
    ("pyproject.toml", "[tool.black]\nline-length = 90\n", "tool.pylint", False),
    ("pyproject.toml", '[tool.pylint.format]\nmax-line-length = 90\n', "tool.pylint", True),
    ("pyproject.toml", '[ tool . "pylint" ]\n', "tool.pylint", True),
    ("pyproject.toml", "[tool.pylintish]\n", "tool.pylint", False),
    ("setup.cfg", "[pylint.messages control]\ndisable = all\n", "pylint", True),
    ("setup.cfg", "[metadata]\nname = x\n", "pylint", False),
    ("tox.ini", "[flake8:local-plugins]\nextension =\n", "flake8", True),
    ("setup.cfg", "not an ini file\n[", "flake8", False),
    ("pylintrc", "", "", True),
])
def test_a_file_configures_a_tool_where_it_has_its_section(tmp_path, name, text, section,
                                                           configures):
    (tmp_path / name).write_text(text)
    assert lint.configures(tmp_path / name, section) is configures


def test_an_unreadable_file_configures_nothing(tmp_path):
    (tmp_path / "setup.cfg").mkdir()
    assert not lint.configures(tmp_path / "setup.cfg", "flake8")


def test_the_search_goes_up_to_the_project_root_and_never_into_ours(tmp_path):
    deep = tmp_path / "root" / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "root" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert lint.search_folders(deep) == [deep, deep.parent, tmp_path / "root"]
    assert lint.search_folders(OWN_PROJECT / "tests" / "resources") == [
        OWN_PROJECT / "tests" / "resources", OWN_PROJECT / "tests"]
    assert not lint.search_folders(OWN_PROJECT)


def test_the_nearest_configuration_wins_and_each_tool_finds_its_own(tmp_path):
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / ".flake8").write_text("[flake8]\n")
    (tmp_path / ".pylintrc").write_text("[MAIN]\n")
    (inner / "setup.cfg").write_text("[flake8]\nmax-line-length = 90\n")
    assert lint.find_config(FLAKE8, inner) == inner / "setup.cfg"
    assert lint.find_config(PYLINT, inner) == tmp_path / ".pylintrc"
    (inner / "tox.ini").write_text("[pylint.format]\n")
    assert lint.find_config(PYLINT, inner) == inner / "tox.ini"


def test_the_tools_are_given_a_configuration_or_none_of_theirs_at_all(tmp_path):
    assert lint.arguments(FLAKE8, None, "7.1")[0] == "--isolated"
    config = tmp_path / "x.cfg"
    assert lint.arguments(FLAKE8, config, "7.1")[:2] == ["--config", str(config)]
    pylint = lint.arguments(PYLINT, None, "3.3.1")
    assert pylint[:2] == ["--rcfile", "/dev/null"] and "--output-format=json2" in pylint
    assert "--output-format=json" in lint.arguments(PYLINT, None, "2.17.7")


def test_flake8_lines_are_read_and_anything_else_is_not_a_finding(tmp_path):
    out = "x.py\t3\t80\tE501\tline too long (90 > 79 characters)\n" \
          "    print('shown source')\n    ^\n2     E501 line too long\n"
    assert lint.flake8_findings(out, tmp_path) == [LintFinding(
        "flake8", "E501", "line too long (90 > 79 characters)", str(tmp_path / "x.py"), 3, 79)]


def test_pylint_json2_and_json_are_read_and_anything_else_is_refused(tmp_path):
    message = {"messageId": "W0611", "symbol": "unused-import", "message": "Unused import os",
               "path": "x.py", "line": 1, "column": 0}
    two = json.dumps({"messages": [message, "junk"], "statistics": {"score": 7.5}})
    findings, score = lint.pylint_findings(two, tmp_path)
    assert score == 7.5 and [f.code for f in findings] == ["W0611"]
    assert findings[0].file == str(tmp_path / "x.py") and findings[0].symbol == "unused-import"
    old = json.dumps([{"message-id": "C0114", "line": None, "path": ""}])
    (finding,), score = lint.pylint_findings(old, tmp_path)
    assert (finding.code, finding.line, finding.file, score) == ("C0114", 0, "", None)
    assert lint.pylint_findings("Traceback (most recent call last):", tmp_path) is None
    assert lint.pylint_findings('{"statistics": {"score": "high"}}', tmp_path) is None


def test_a_script_that_cannot_be_read_or_compiled(tmp_path):
    assert lint.syntax_error(tmp_path / "missing.py") == ("", 0)
    (tmp_path / "nul.py").write_bytes(b"x = 1\0\n")
    assert lint.syntax_error(tmp_path / "nul.py")[0]
    (tmp_path / "indent.py").write_text("if True:\nx = 1\n")
    assert lint.syntax_error(tmp_path / "indent.py") == (
        "IndentationError: expected an indented block after 'if' statement on line 1", 2)
    record = lint.lint(tmp_path / "missing.py")
    assert [t.problem for t in record.tools] == [f"not run: no file {tmp_path / 'missing.py'}"] * 2


def test_the_lint_job_comes_after_the_timing_runs_never_timed_and_runs_no_script(tmp_path):
    workload = Workload("w", "w.py")
    planned = plan([workload], ["cprofile"], 2, lint_scripts=True)
    modes = [j.mode for j in planned]
    assert modes == [Mode.BARE, Mode.BARE, Mode.LINT, Mode.PROFILED]
    jobs = [j for j in planned if j.mode == Mode.LINT]
    assert jobs[-1] == Job(workload, Mode.LINT) and not jobs[-1].mode.timing
    assert Mode.LINT not in [j.mode for j in plan([workload], ["cprofile"], 2)]
    assert not Mode.LINT.runs_script and not Mode.BENCH.runs_script and Mode.BARE.runs_script
    assert Limits(2.0).for_job(jobs[-1], 1.0).timeout == lint.JOB_TIMEOUT_S  # not --timeout
    assert jobs[-1].artifact(tmp_path) == tmp_path / "w" / f"lint{LINT_SUFFIX}"
    line = command(jobs[-1], tmp_path, Limits(2.0))
    assert line[1:3] == ["-m", "reporter.run.lint"] and line[-2:] == ["--", "w.py"]


def _process(**changes):
    fields = {"version": RECORDS_VERSION, "returncode": 0, "timed_out": False,
              "interrupted": False, "timeout": 660.0, "process_s": 1.0, "started_at": 0.0,
              "ended_at": 1.0, "parallel": False, **changes}
    return ProcessRecord(**fields)


def test_collect_says_why_a_lint_job_left_no_findings(tmp_path):
    job = Job(Workload("w", "w.py"), Mode.LINT)
    job.path(tmp_path, "").parent.mkdir()
    assert collect_lint(job, tmp_path).error == \
        "not run: the run was interrupted before this job ran"
    _process(returncode=None, timed_out=True).write(job.path(tmp_path, ".process.json"))
    assert collect_lint(job, tmp_path).error == "the linters were stopped after 660 s"
    _process(returncode=0).write(job.path(tmp_path, ".process.json"))
    assert collect_lint(job, tmp_path).error.startswith("crashed: exited with code 0")
    job.path(tmp_path, LINT_SUFFIX).write_text("{")
    assert "unreadable" in collect_lint(job, tmp_path).error
    LintRecord(RECORDS_VERSION, score=9.5).write(job.path(tmp_path, LINT_SUFFIX))
    found = collect_lint(job, tmp_path)
    assert found == Lint(score=9.5)


SCRIPT = "/home/student/hw/script.py"


def _workload(found):
    return WorkloadResult("script", SCRIPT, [], [], lint=found)


def _lines(blocks=True):
    file = SourceFile(short_path(SCRIPT), "src1",
                      [SourceBlock(1, 10, "", True, [])] if blocks else [], [])
    return LinesView(files=[file], top_time=[], top_peak=[], top_exit=[], timed=None,
                     memory=None, charged_peak=0, charged_exit=0)


FINDINGS = [LintFinding("flake8", "F401", "'os' imported but unused", SCRIPT, 1),
            LintFinding("pylint", "C0301", "Line too long", SCRIPT, 12),
            LintFinding("pylint", "E0401", "Unable to import <x>", "/elsewhere/helper.py", 3),
            LintFinding("pylint", "F0001", "No module named x", "", 0)]
TOOLS = [LintTool("flake8", "7.1.0", "/home/student/hw/setup.cfg"), LintTool("pylint", "3.3.1"),
         LintTool("pylint", problem="pylint is not installed (in /usr/bin/python3)")]


def test_the_view_links_each_line_the_source_view_shows():
    view = lint_view(_workload(Lint(TOOLS, FINDINGS, 7.25)), _lines())
    assert [(r.where, r.anchor) for r in view.rows] == [
        (f"{short_path(SCRIPT)}:1", "src1-L1"), (f"{short_path(SCRIPT)}:12", ""),
        ("/elsewhere/helper.py:3", ""), ("–", "")]
    assert view.headline == "pylint 7.25/10, 4 findings" and view.score == 7.25
    assert view.tools == ["flake8 7.1.0, with /home/student/hw/setup.cfg",
                          "pylint 3.3.1, with the tools' defaults: the script has no "
                          "configuration of its own",
                          "pylint is not installed (in /usr/bin/python3)"]
    assert [r.anchor for r in lint_view(_workload(Lint(findings=FINDINGS)),
                                        _lines(blocks=False)).rows] == ["", "", "", ""]
    assert lint_view(_workload(None)) is None
    record = summary_record(_workload(Lint(TOOLS, FINDINGS, 7.25)))
    assert (record["lint_score"], record["lint_findings"]) == (7.25, 4)
    record = summary_record(_workload(Lint(error="not run")))
    assert (record["lint_score"], record["lint_findings"]) == (None, None)


def test_the_view_says_first_that_a_script_does_not_parse_or_was_not_linted():
    broken = lint_view(_workload(Lint(findings=FINDINGS[:1], score=0.0,
                                      syntax_error="SyntaxError: invalid syntax",
                                      syntax_line=3)))
    assert broken.parse_error == "does not parse: SyntaxError: invalid syntax at line 3"
    assert broken.headline == f"{broken.parse_error}; pylint 0.00/10, 1 finding"
    assert lint_view(_workload(Lint(syntax_error="ValueError: null bytes"))).headline == \
        "does not parse: ValueError: null bytes; 0 findings"
    assert lint_view(_workload(Lint(error="not run"))).headline == "not linted: not run"
    assert lint_view(_workload(Lint(findings=FINDINGS[:1]))).headline == "1 finding"


def test_the_section_and_the_card_escape_what_the_tools_say(tmp_path):
    evil = LintFinding("pylint", "C0103", '<script>alert("x")</script>', SCRIPT, 1)
    run = Run("r", Environment("3", "CPython 3", "Linux", "python", "now", {}),
              [_workload(Lint(TOOLS[:2], [evil], 9.0))])
    render.render(run, tmp_path)
    page = (tmp_path / "script.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)" in page
    assert '<section class="lint" id="lint">' in page and "9.00/10" in page
    index = (tmp_path / "index.html").read_text()
    assert 'href="script.html#lint">pylint 9.00/10, 1 finding</a>' in index
    assert workload_page(run, run.workloads[0]).card.lint is not None
    assert index_page(run).rows[0].card.lint.headline == "pylint 9.00/10, 1 finding"
    assert [t.name for t in LINTERS] == ["flake8", "pylint"]
