"""Homework-shaped scripts that run their own cProfile, profile module, profile functions,
memory_profiler, tracemalloc and sys.monitoring tools (tests/resources/homework/): every mode
of ours runs them as cleanly as the unprofiled run, the script's own tools still print what
they measured, and what ours could not see is said, never hidden."""

from __future__ import annotations

import itertools
import pstats
import re
import sys

import pytest
from markupsafe import escape

from reporter import results
from reporter.analysis.homework import checklist
from reporter.cli import main
from reporter.render import page_name
from reporter.render.views import headline, own_tools_sentences, page_ids, workload_page
from tests.conftest import RESOURCES

ROOT = RESOURCES.parents[1]

HOMEWORK = RESOURCES / "homework"
WORKER = "build"  # each script's function known to do most of the work
# Where the script's own cProfile wraps the work, and who calls the work through it.
OWN_CPROFILE = {"closure_decorator": "profile.<locals>.wrapper", "class_decorator":
                "Profiled.__call__", "with_block": "main", "lsprof_and_profile": "main"}


@pytest.fixture(name="homework", scope="module")
def fixture_homework(tmp_path_factory):
    """One report of every homework script, in every mode, one unprofiled run each."""
    out = tmp_path_factory.mktemp("homework") / "reports"
    code = main(["run", str(HOMEWORK), "--out", str(out), "--repeat", "1", "--timeout", "600"])
    run_dir = (out / "latest").resolve()
    return code, results.load(run_dir / "results.json"), run_dir


def test_every_run_ends_as_the_unprofiled_run_does(homework):
    code, run, _ = homework
    assert {w.name for w in run.workloads} == {p.stem for p in HOMEWORK.glob("*.py")}
    statuses = {(w.name, r.mode): (r.status, r.reason) for w in run.workloads for r in w.runs}
    assert all(status == ("ok", "") for status in statuses.values()), statuses
    assert code == 0


def test_every_homework_script_is_linted_with_both_tools(homework):
    _, run, run_dir = homework
    for workload in run.workloads:
        found = workload.lint
        assert found and not found.error and not found.syntax_error, workload.name
        assert [(t.name, t.problem) for t in found.tools] == [("flake8", ""), ("pylint", "")]
        assert found.score is not None and 0 <= found.score <= 10
        page = (run_dir / page_name(workload)).read_text(encoding="utf-8")
        assert f"{found.score:.2f}/10" in page and 'id="lint"' in page


def test_the_scripts_own_tools_still_print_what_they_measured(homework):
    _, run, run_dir = homework
    for workload in run.workloads:
        bare = next(r for r in workload.runs if r.mode == "bare")
        expected = (run_dir / bare.artifacts["stdout"]).read_text(encoding="utf-8")
        for record in workload.runs:
            printed = (run_dir / record.artifacts["stdout"]).read_text(encoding="utf-8")
            # the same lines but for the figures and the tables' rows
            assert _shape(printed) == _shape(expected), (workload.name, record.name)


def test_the_merged_cprofile_gives_the_work_its_own_time_under_its_caller(homework):
    _, run, run_dir = homework
    for workload in run.workloads:
        record = next(r for r in workload.runs if r.profiler == "cprofile")
        stats = pstats.Stats(str(run_dir / record.artifacts["artifact"])).stats
        work = [k for k in stats if k[2] == WORKER and "homework" in k[0]]
        assert work, workload.name
        _, calls, _, cumulative, callers = stats[work[0]]
        summary = record.profile
        assert calls >= 1 and cumulative > 0.3 * summary.total_s, workload.name
        own_of_work = sum(r.own_s for r in summary.functions
                          if r.function.startswith((WORKER, f"{WORKER}.")) or
                          r.function in ("Point.__init__", "Slotted.__init__", "Node.__init__",
                                         "Plain.__init__"))
        assert own_of_work > 0, workload.name
        enable = [r for r in summary.functions if "'enable'" in r.function]
        assert all(r.own_s < 0.05 * summary.total_s for r in enable), workload.name
        if workload.name in OWN_CPROFILE:
            assert OWN_CPROFILE[workload.name] in {k[2] for k in callers}, workload.name
            main_row = next(r for r in summary.functions if r.function == "main")
            assert main_row.cumulative_s >= 0.95 * summary.total_s, workload.name


def test_the_headline_names_the_working_function(homework):
    _, run, _ = homework
    for workload in run.workloads:
        found = headline(workload)
        cpu = [r for r in workload.profiled if r.profiler in ("cprofile", "pyinstrument")]
        # from a capture that saw the whole script, where one did
        assert found.hottest_of.endswith("(a partial capture)") == all(r.partial for r in cpu)
        inside = {WORKER, f"{WORKER}.<locals>.<listcomp>", f"{WORKER}.<locals>.<dictcomp>",
                  "Point.__init__", "Slotted.__init__", "Node.__init__", "Plain.__init__",
                  f"{WORKER}.<locals>.<genexpr>"}
        assert found.hottest.function in inside, (workload.name, found.hottest.function)


def test_each_capture_says_what_the_scripts_own_tools_did_to_it(homework):
    _, run, _ = homework
    for workload in run.workloads:
        if workload.name == "monitoring_tool" and sys.version_info < (3, 12):
            continue  # no sys.monitoring there: the script uses no tool
        for record in workload.profiled:
            assert record.own_tools, (workload.name, record.name)
            sentences = own_tools_sentences(record)
            assert len(sentences) == len(record.own_tools)
            for tool, sentence in zip(record.own_tools, sentences):
                if tool.file:  # else started in a thread's bootstrap, outside the script
                    assert f"{tool.file.rsplit('/', 1)[-1]}:{tool.line}" in sentence
                    assert tool.file.endswith(f"{workload.name}.py"), (workload.name, tool)
            if record.partial:  # no overhead is shown as fact from a partial run
                assert workload.overhead(record) is None and record.unseen_s > 0


def test_who_displaces_whom(homework):
    """The table docs/own-profilers.md gives: which of the script's tools took which capture's
    hook, read from the page itself, so that the page and the runs cannot drift apart."""
    _, run, _ = homework
    table = _who_displaces_whom(sys.version_info < (3, 12))
    for workload in run.workloads:
        for record in workload.profiled:
            displaced = {t.tool for t in record.own_tools if t.displaced_s > 0}
            recovered = {t.tool for t in record.own_tools
                         if t.displaced_s and t.recovered_s >= t.displaced_s}
            said = {tool: table.get((tool, record.name), "beside it") for tool in _tools(record)}
            # "waits": the line sampler stops while the script's profile function is set
            assert displaced == {tool for tool, cell in said.items()
                                 if cell.startswith(("displaced", "waits"))}, \
                (workload.name, record.name)
            assert recovered == {tool for tool, cell in said.items() if "merged back" in cell}, \
                (workload.name, record.name)
            assert record.partial == bool(displaced - recovered), (workload.name, record.name)


# The table's captures, by its column headings.
CAPTURES = {"our cProfile": "cprofile", "pyinstrument": "pyinstrument", "memray": "memray",
            "line sampler": "lines"}


def _who_displaces_whom(legacy: bool) -> dict[tuple[str, str], str]:
    """docs/own-profilers.md's table as {(the script's tool, our mode): what the cell says}, for
    this Python: a row or cell that says "up to 3.11" or "3.12+" applies where it says."""
    text = (ROOT / "docs" / "own-profilers.md").read_text(encoding="utf-8")
    lines = text[text.index("| the script's tool |"):].splitlines()
    heading, _, *rows = [[cell.strip() for cell in line.strip("| ").split(" | ")]
                         for line in itertools.takewhile(lambda line: line.startswith("|"),
                                                         lines)]
    modes = [CAPTURES[name] for name in heading[1:]]
    table = {}
    for tool_cell, *cells in rows:
        if ("3.12+" in tool_cell and legacy) or ("up to 3.11" in tool_cell and not legacy):
            continue
        for tool in tool_cell.split("`")[1::2]:  # every tool the row names in backticks
            for mode, cell in zip(modes, cells, strict=True):
                if cell.startswith("displaced up to 3.11; beside it since"):
                    cell = "displaced" if legacy else "beside it"
                table[tool, mode] = cell
    assert {tool for tool, _ in table} >= {"cProfile", "sys.setprofile"}, table
    return table


# pstats' headline: "N function calls (M primitive calls) in S seconds".
TOTAL = r"function calls (?:\(\d+ primitive calls\) )?in ([\d.]+) seconds"


def _tools(record: results.RunRecord) -> set[str]:
    return {t.tool for t in record.own_tools}


def _shape(text: str) -> list[str]:
    """The printed lines without their figures and addresses, nor the rows of a pstats
    table (which functions make its top rows varies from run to run)."""
    return [" ".join(w for w in line.split() if not any(c.isdigit() for c in w))
            for line in text.splitlines()
            if not line.split()[:1] or not line.split()[0][0].isdigit()]


def test_the_page_shows_what_the_script_printed(homework):
    _, run, run_dir = homework
    for workload in run.workloads:
        page = (run_dir / page_name(workload)).read_text(encoding="utf-8")
        output = workload.output
        assert output is not None and (output.mode, output.repeat) == ("bare", 1)
        assert "What the script printed" in page and output.stdout_bytes == len(
            (run_dir / output.stdout_file).read_bytes())
        for line in filter(None, map(str.strip, output.stdout.splitlines())):
            assert str(escape(line)) in page, (workload.name, line)  # as Jinja escapes it


def test_each_run_writes_into_a_folder_of_its_own(homework):
    _, run, run_dir = homework
    workload = next(w for w in run.workloads if w.name == "setprofile_tracer")
    for record in workload.runs:  # every mode ran it, none overwrote another's file
        (found,) = record.written
        assert found.path == "calls.txt" and found.bytes == len((run_dir / found.file).read_bytes())
    assert [f.path for f in workload.output.written] == ["calls.txt"]
    page = (run_dir / page_name(workload)).read_text(encoding="utf-8")
    assert f'href="{workload.output.written[0].file}"' in page
    links = [p for p in (run_dir / "raw").rglob("*") if p.is_symlink()]
    assert not links  # the working folders' links into the user's folder are gone


def test_the_time_the_scripts_cprofile_ran_agrees_with_what_it_measured(homework):
    """The guard's figure against the script's own cProfile's reading of the same windows:
    the totals its tables printed ("N function calls in S seconds")."""
    _, run, run_dir = homework
    workload = next(w for w in run.workloads if w.name == "closure_decorator")
    for record in workload.profiled:
        printed = (run_dir / record.artifacts["stdout"]).read_text(encoding="utf-8")
        measured = sum(float(s) for s in re.findall(TOTAL, printed))
        (tool,) = [t for t in record.own_tools if t.tool == "cProfile"]
        assert tool.windows == 2
        assert 0.7 * tool.active_s <= measured <= 1.02 * tool.active_s, (record.mode, measured,
                                                                         tool.active_s)


# What each homework script's own tools did, as the checklist says it from the guard's records
# (the line each was started at; how many times where more than once).
RAN = {
    "class_decorator": ("by-calls", "ran its own cProfile from class_decorator.py:16, 3 times"),
    "closure_decorator": ("by-calls", "ran its own cProfile from closure_decorator.py:11, "
                                      "2 times"),
    "lsprof_and_profile": ("by-calls", "ran its own cProfile from lsprof_and_profile.py:19; "
                                       "profile (sys.setprofile) from lsprof_and_profile.py:24"),
    "memory_tools": ("by-memory", "ran its own memory_profiler (sys.settrace) from "
                                  "memory_tools.py:30; tracemalloc from memory_tools.py:31"),
    "setprofile_tracer": ("by-calls", "ran its own `counter` (sys.setprofile) from "
                                      "setprofile_tracer.py:26; `counter` (threading.setprofile) "
                                      "from setprofile_tracer.py:30"),
    "with_block": ("by-calls", "ran its own cProfile from with_block.py:22; cProfile from "
                               "with_block.py:25"),
}


def test_the_checklist_says_what_each_scripts_own_tools_did(homework):
    _, run, _ = homework
    for workload in run.workloads:
        found = checklist(workload)
        if workload.name in RAN:
            key, said = RAN[workload.name]
            assert found.item(key).by_script == said, workload.name
        elif sys.version_info >= (3, 12):  # monitoring_tool
            assert found.item("by-calls").by_script.startswith("ran its own homework")
        else:  # no sys.monitoring before 3.12: the script's tool never started
            assert found.item("by-calls").by_script == (
                "call profiler in its source (sys.monitoring.use_tool_id at "
                "monitoring_tool.py:22); no guarded run saw it start")
        ours = found.item("by-calls").by_reporter
        assert ours.startswith("cprofile: ") and "; pyinstrument: " in ours, workload.name
        assert found.item("by-memory").by_reporter.startswith("memray: peak ")
        lint = found.item("lint")  # the Lint section's own figures, on every homework script
        assert lint.by_script.startswith(f"pylint {workload.lint.score:.2f}/10; "), workload.name
        assert lint.by_reporter.startswith("flake8 ") and "; pylint " in lint.by_reporter
        assert found.item("decorator").by_reporter == "reporter.profile_deco not used"


def test_the_checklist_tells_the_decorator_that_accumulates_by_what_ran_from_it(homework):
    _, run, _ = homework
    by_name = {w.name: checklist(w).item("decorator") for w in run.workloads}
    kept, fresh = by_name["class_decorator"], by_name["closure_decorator"]
    assert kept.found and kept.by_script == (
        "Profiled on build: accumulates, one profile, self.profiler, made on the instance and "
        "enabled at each call (read in its source); ran: cProfile started 3 times from "
        "class_decorator.py:16")
    assert not fresh.found and fresh.by_script == (
        "profile on build: does not accumulate, a new profile, profiler, made at each call "
        "(read in its source); ran: cProfile started 2 times from closure_decorator.py:11")
    timed = checklist(next(w for w in run.workloads if w.name == "memory_tools"))
    assert timed.item("classes").by_script.startswith(
        "timed with timeit (5 timings seen by our cProfile); classes: plain attributes: Plain")


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_every_checklist_link_of_the_index_resolves_on_the_linked_page(homework):
    _, run, run_dir = homework
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert index.count('class="checklist-item"') == 5 * len(run.workloads)
    links = re.findall(r'class="goto" href="([^"#]+)#([^"]+)"', index)
    assert {page for page, _ in links} == {page_name(w) for w in run.workloads}
    kinds = set()
    for page, anchor in links:
        assert anchor in _ids((run_dir / page).read_text(encoding="utf-8")), (page, anchor)
        kinds.add(anchor.split("-L")[0] if anchor.startswith("src") else anchor)
    # sections, the script's own tools' sentences, and lines of its annotated source
    assert {"cprofile", "memray", "output", "cprofile-own-tools", "src1"} <= kinds, kinds
    for workload in run.workloads:  # the ids the view links to are ids the page has
        html = (run_dir / page_name(workload)).read_text(encoding="utf-8")
        assert page_ids(workload_page(run, workload)) <= _ids(html), workload.name
        # the page's summary shows the same checklist, linked within the page
        same = re.findall(r'class="goto" href="#([^"]+)"', html)
        assert same == [a for p, a in links if p == page_name(workload)]
        assert set(same) <= _ids(html)
