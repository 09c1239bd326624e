"""The homework checklist (reporter/analysis/homework.py, source_scan.py) on scripts whose truth is
known: the homework-shaped resources, workloads/class_variants.py, small sources for each
detection, and a script with none of it. Here only the source is known (no run of ours): what
ran is checked on real captures in tests/integration/test_homework.py."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reporter.analysis import source_scan
from reporter.analysis.homework import Anchor, checklist
from reporter.analysis.source_scan import scan
from reporter.results import (Benchmark, CallMemoryStats, CaseTiming, CProfileSummary,
                              DecoratedFunction, FunctionStat, InstanceMemory, Lint, LintFinding,
                              LintTool, OwnTool, RunRecord, WorkloadResult)
from reporter.vocabulary import Mode, Status
from tests.conftest import RESOURCES

ROOT = RESOURCES.parents[1]
HOMEWORK = RESOURCES / "homework"


def result_of(path: Path, runs: list[RunRecord] | None = None) -> WorkloadResult:
    """A result whose only knowledge is the script's kept source (as collect keeps it)."""
    return WorkloadResult(path.stem, str(path), [], runs or [],
                          sources={str(path.resolve()): path.read_text(encoding="utf-8")})


def source_result(tmp_path: Path, text: str) -> WorkloadResult:
    """The same for a small script written here."""
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return result_of(path)


def classes(found: source_scan.SourceFindings) -> dict[str, list[str]]:
    """Each class found, with how it holds its attributes."""
    return {c.name: c.kinds for c in found.classes}


def apis(found: source_scan.SourceFindings) -> set[str]:
    """Every API use found."""
    return {u.api for u in found.uses}


# What each homework resource does, as its source says it (what ran: see the integration test).
HOMEWORK_TRUTH = {
    "class_decorator": {
        "classes": {"Profiled": ["plain attributes"], "Slotted": ["__slots__"]},
        "calls": {"cProfile.Profile"}, "memory": set(), "timing": set(),
        "decorator": ("Profiled", True, ["build"])},
    "closure_decorator": {
        "classes": {"Point": ["plain attributes"]},
        "calls": {"cProfile.Profile"}, "memory": set(), "timing": set(),
        "decorator": ("profile", False, ["build"])},
    "lsprof_and_profile": {
        "classes": {}, "calls": {"_lsprof.Profiler", "profile.Profile"}, "memory": set(),
        "timing": set(), "decorator": None},
    "memory_tools": {
        "classes": {"Plain": ["plain attributes"]}, "calls": set(),
        "memory": {"memory_profiler.profile", "tracemalloc.start", "tracemalloc.take_snapshot"},
        "timing": {"timeit.repeat"}, "decorator": None},
    "monitoring_tool": {
        "classes": {}, "calls": {"sys.monitoring.use_tool_id"}, "memory": set(),
        "timing": set(), "decorator": None},
    "setprofile_tracer": {
        "classes": {}, "calls": {"sys.setprofile", "threading.setprofile"}, "memory": set(),
        "timing": set(), "decorator": None},
    "with_block": {
        "classes": {"Node": ["plain attributes"]},
        "calls": {"cProfile.Profile", "cProfile.runctx"}, "memory": set(), "timing": set(),
        "decorator": None},
}


def test_every_homework_resource_has_its_truth_written_down():
    assert set(HOMEWORK_TRUTH) == {p.stem for p in HOMEWORK.glob("*.py")}


@pytest.mark.parametrize("name", sorted(HOMEWORK_TRUTH))
def test_the_source_of_each_homework_script_says_what_it_does(name):
    truth = HOMEWORK_TRUTH[name]
    path = HOMEWORK / f"{name}.py"
    found = scan(path.read_text(encoding="utf-8"), str(path))
    assert classes(found) == truth["classes"]
    uses = apis(found)
    assert uses & source_scan.CALL_PROFILER_APIS == truth["calls"]
    assert uses & source_scan.MEMORY_APIS == truth["memory"]
    assert uses & source_scan.TIMING_APIS == truth["timing"]
    decorator = truth["decorator"]
    if decorator is None:
        assert not found.decorators
    else:
        (d,) = found.decorators
        assert (d.name, d.accumulates, d.applied_to) == decorator
        assert d.first <= d.last and d.at.file == str(path)


@pytest.mark.parametrize("name", sorted(HOMEWORK_TRUTH))
def test_each_homework_checklist_item_says_what_the_source_holds(name):
    truth = HOMEWORK_TRUTH[name]
    found = checklist(result_of(HOMEWORK / f"{name}.py"))
    assert [i.key for i in found.items] == ["classes", "by-calls", "by-memory", "decorator",
                                            "lint"]
    for cls in truth["classes"]:
        assert cls in found.item("classes").by_script
    calls = found.item("by-calls")
    assert calls.found == bool(truth["calls"]), calls
    assert ("in its source" in calls.by_script) == bool(truth["calls"])
    assert calls.by_reporter == "no run of cProfile or pyinstrument"
    memory = found.item("by-memory")
    assert memory.found == bool(truth["memory"]) and memory.by_reporter == "no memray run"
    decorator = found.item("decorator")
    if truth["decorator"] is None:
        assert decorator.by_script.startswith("no profiling decorator of its own found")
        assert not decorator.found
    else:
        name_of, accumulates, _ = truth["decorator"]
        said = "accumulates" if accumulates else "does not accumulate"
        assert decorator.by_script.startswith(f"{name_of} on build: {said}")
        assert decorator.found == accumulates
        assert decorator.script_links[0].at is not None
    assert decorator.by_reporter == "reporter.profile_deco not used"


def test_memory_profilers_decorator_is_not_taken_for_the_scripts_own():
    found = checklist(result_of(HOMEWORK / "memory_tools.py"))
    said = found.item("decorator").by_script
    assert said == ("no profiling decorator of its own found (memory_profiler's @profile on "
                    "sized)")
    assert "timeit.repeat at memory_tools.py:" in found.item("classes").by_script


def test_with_blocks_weak_references_are_outside_its_classes():
    said = checklist(result_of(HOMEWORK / "with_block.py")).item("classes").by_script
    assert said == ("classes: plain attributes: Node; weak references outside its classes: "
                    "weakref.ref at with_block.py:16")


def class_variants_benchmark() -> Benchmark:
    """A benchmark of class_variants' CASES as the reporter pools it: a timing per timed
    case, a size per case that creates."""
    from workloads.class_variants import CASES  # pylint: disable=import-outside-toplevel
    return Benchmark(
        cases=[CaseTiming(c["variant"], c["operation"], True, "", 1, [1e-7], 1)
               for c in CASES if c.get("timed", True)]
        + [CaseTiming("copy of plain", "read", True, "", 1, [1e-7], 1, control=True)],
        memory=[InstanceMemory(c["variant"], c["stmt"], True, "") for c in CASES
                if c.get("creates")],
        gc_enabled=True)


def test_class_variants_names_its_classes_and_the_benchmark_counts_its_cases():
    result = result_of(ROOT / "workloads" / "class_variants.py")
    found = source_scan.scan_sources(result)
    assert found is not None and found.cases is not None
    assert classes(found) == {
        "Target": ["plain attributes"], "Plain": ["plain attributes"],
        "Slots": ["__slots__"], "WeakRefs": ["weakref.ref", "plain attributes"],
        "DataPlain": ["plain attributes"], "DataSlots": ["dataclass(slots=True)"]}
    item = checklist(result).item("classes")
    assert item.by_reporter.startswith("CASES declared at class_variants.py:")
    result.benchmark = class_variants_benchmark()
    item = checklist(result).item("classes")
    assert item.found
    assert item.by_reporter == (
        "benchmark of its CASES: 6 variants (plain, weakref, slots, dataclass, "
        "dataclass(slots), namedtuple) × 5 operations, 25 cases timed, 6 variants sized")
    assert "__slots__: Slots" in item.by_script
    assert "dataclass(slots=True): DataSlots" in item.by_script
    assert "weakref.ref: WeakRefs" in item.by_script
    text = (ROOT / "workloads" / "class_variants.py").read_text(encoding="utf-8").splitlines()
    first = item.script_links[0].at  # the first class with slots or weak references
    assert first is not None and text[first.line - 1] == "class Slots:"
    assert [a.section for a in item.reporter_links] == ["benchmark"]


def test_a_script_with_none_of_it_finds_nothing(tmp_path):
    found = checklist(source_result(tmp_path, """\
        def main():
            print(sum(range(10)))


        main()
        """))
    words = {i.key: (i.found, i.by_script, i.by_reporter) for i in found.items}
    assert words == {
        "classes": (False, "no timing, __slots__ or weakref classes found",
                    "no benchmark: the script declares no CASES"),
        "by-calls": (False, "no call profiler found", "no run of cProfile or pyinstrument"),
        "by-memory": (False, "no memory profiler found", "no memray run"),
        "decorator": (False, "no profiling decorator of its own found",
                      "reporter.profile_deco not used"),
        "lint": (None, "", "lint not run"),
    }
    assert found.item("lint").unknown == "not run"


def test_a_script_whose_source_was_not_kept_is_not_said_to_lack_anything():
    result = WorkloadResult("gone", "/nowhere/gone.py", [], [])
    found = checklist(result)
    for key in ("classes", "by-calls", "by-memory", "decorator"):
        assert "its source was not kept" in found.item(key).by_script, key


def test_imports_under_other_names_and_each_way_of_declaring_slots(tmp_path):
    found = source_scan.scan_sources(source_result(tmp_path, """\
        import dataclasses
        import weakref as wr
        from dataclasses import dataclass
        from weakref import WeakValueDictionary, finalize


        class Weak:
            __slots__ = ("x", "__weakref__")

            def __init__(self, x):
                self.x = x


        class Holder:
            def __init__(self, other):
                self.other = wr.ref(other)
                self.proxy = wr.proxy(other)
                finalize(self, print)


        @dataclass(slots=True)
        class A:
            x: int


        @dataclasses.dataclass(slots=True, frozen=True)
        class B:
            x: int


        @dataclass
        class C:
            x: int


        class Outer:
            class Inner:
                __slots__ = ()


        CACHE = WeakValueDictionary()
        """))
    assert found is not None
    assert classes(found) == {
        "Weak": ["__slots__"], "Holder": ["weakref.ref", "weakref.proxy", "weakref.finalize",
                                          "plain attributes"],
        "A": ["dataclass(slots=True)"], "B": ["dataclass(slots=True)"],
        "C": ["plain attributes"], "Outer.Inner": ["__slots__"]}
    loose = [u for u in found.using(source_scan.WEAKREF_APIS) if not u.in_class]
    assert [(u.api, u.at.line) for u in loose] == [("weakref.WeakValueDictionary", 4),
                                                   ("weakref.finalize", 4),
                                                   ("weakref.WeakValueDictionary", 41)]


DECORATORS = {
    "accumulates in a closure": ("""\
        import cProfile

        def profiled(func):
            prof = cProfile.Profile()
            def wrapper(*args):
                prof.enable()
                try:
                    return func(*args)
                finally:
                    prof.disable()
            wrapper.prof = prof
            return wrapper
        """, True, "one profile, prof, made outside the wrapper"),
    "accumulates in a module-level profile, factory with wraps": ("""\
        import cProfile as cp
        import functools

        PROFILE = cp.Profile()

        def profiled(label):
            def decorate(func):
                @functools.wraps(func)
                def inner(*args):
                    return PROFILE.runcall(func, *args)
                return inner
            return decorate
        """, True, "one profile, PROFILE, made outside the wrapper"),
    "a new profile per call through runcall": ("""\
        import cProfile

        def profiled(func):
            def wrapper(*args):
                return cProfile.Profile().runcall(func, *args)
            return wrapper
        """, False, "a new profile at each call"),
    "a new profile per call in a with block": ("""\
        from cProfile import Profile

        def profiled(func):
            def wrapper(*args):
                with Profile() as p:
                    result = func(*args)
                p.print_stats()
                return result
            return wrapper
        """, False, "a new profile in a `with` block"),
    "cProfile.runctx per call": ("""\
        import cProfile

        def profiled(func):
            def wrapper(*args):
                cProfile.runctx("func(*args)", globals(), locals())
            return wrapper
        """, False, "cProfile.runctx at each call"),
    "accumulates in a nonlocal, async wrapper": ("""\
        import cProfile

        def profiled(func):
            prof = None
            async def wrapper(*args):
                nonlocal prof
                if prof is None:
                    prof = cProfile.Profile()
                prof.enable()
                try:
                    return await func(*args)
                finally:
                    prof.disable()
            return wrapper
        """, True, "one profile, prof, made once, kept in a nonlocal or global name"),
    "a class that makes its profile in __call__": ("""\
        import profile

        class Profiled:
            def __init__(self, func):
                self.func = func

            def __call__(self, *args):
                self.prof = profile.Profile()
                return self.prof.runcall(self.func, *args)
        """, False, "a new profile, self.prof, made at each call"),
}


@pytest.mark.parametrize("name", sorted(DECORATORS))
def test_a_profiling_decorator_is_told_by_whether_its_profile_outlives_the_call(tmp_path, name):
    text, accumulates, how = DECORATORS[name]
    found = source_scan.scan_sources(source_result(tmp_path, text))
    assert found is not None
    (decorator,) = found.decorators
    assert decorator.accumulates == accumulates
    assert decorator.how.startswith(how), decorator.how
    assert decorator.applied_to == [] and decorator.name in ("profiled", "Profiled")


def test_a_wrapper_that_only_switches_the_gc_is_no_profiling_decorator(tmp_path):
    found = source_scan.scan_sources(source_result(tmp_path, """\
        import gc

        def quiet(func):
            def wrapper(*args):
                gc.disable()
                try:
                    return func(*args)
                finally:
                    gc.enable()
            return wrapper
        """))
    assert found is not None and not found.decorators


def test_a_file_that_does_not_parse_is_named_and_nothing_is_found(tmp_path):
    result = source_result(tmp_path, "def broken(:\n")
    found = source_scan.scan_sources(result)
    assert found is not None and found.unparsed == [str((tmp_path / "script.py").resolve())]
    assert checklist(result).item("by-calls").by_script == "no call profiler found"


def guarded_run(*tools: OwnTool, decorated: list[DecoratedFunction] | None = None) -> RunRecord:
    """A profiled run of ours whose guard recorded these tools of the script's."""
    return RunRecord(Mode.PROFILED, 0, Status.OK, "", 0, 1.0, 1.0, "", profiler="cprofile",
                     own_tools=list(tools), decorated=decorated or [])


def test_what_ran_comes_before_what_the_source_says():
    path = HOMEWORK / "class_decorator.py"
    tool = OwnTool("cProfile", "cProfile", str(path.resolve()), 16, windows=3)
    found = checklist(result_of(path, [guarded_run(tool)]))
    calls = found.item("by-calls")
    assert calls.by_script == "ran its own cProfile from class_decorator.py:16, 3 times"
    assert [a.section for a in calls.script_links] == ["cprofile-own-tools", "output"]
    assert calls.by_reporter == "cprofile: ok, no profile"
    decorator = found.item("decorator").by_script
    assert decorator.endswith("; ran: cProfile started 3 times from class_decorator.py:16")


def test_ours_is_said_apart_from_the_scripts(tmp_path):
    result = source_result(tmp_path, "print(1)\n")
    result.runs.append(RunRecord(Mode.DECORATED, 0, Status.OK, "", 0, 1.0, 1.0, "", decorated=[
        DecoratedFunction("work", 3, 0, 0, "work.prof", None)]))
    item = checklist(result).item("decorator")
    assert item.found and item.by_script == "no profiling decorator of its own found"
    assert item.by_reporter == "reporter.profile_deco on work (3 calls)"
    assert [a.section for a in item.reporter_links] == ["decorated"]


def test_the_lint_item_says_the_scripts_findings_apart_from_how_the_tools_ran():
    result = WorkloadResult("linted", "linted.py", [], [])
    item = checklist(result).item("lint")
    assert (item.by_reporter, item.unknown) == ("lint not run", "not run")
    result.lint = Lint(error="the lint job was stopped")
    assert checklist(result).item("lint").by_reporter == "the lint job was stopped"
    found = [LintFinding("pylint", "C0114", "Missing module docstring", "/s/linted.py", 1)]
    found += [LintFinding("flake8", "E501", "line too long", "/s/linted.py", n) for n in (3, 9)]
    result.lint = Lint(tools=[LintTool("flake8", "7.1.1"),
                              LintTool("pylint", "3.3.1", config="/s/setup.cfg")],
                       findings=found, score=7.5)
    item = checklist(result).item("lint")
    assert item.by_script == "pylint 7.50/10; 3 findings (E501 ×2, C0114 ×1)"
    assert item.by_reporter == "flake8 7.1.1 with its defaults; pylint 3.3.1 with setup.cfg"
    assert item.found is None and item.unknown == "3 findings"  # what was found, not a mark
    assert item.script_links == item.reporter_links == [Anchor("lint")]
    result.lint = Lint(tools=[LintTool("flake8", problem="flake8 is not installed")],
                       syntax_error="SyntaxError: invalid syntax", syntax_line=3)
    item = checklist(result).item("lint")
    assert item.unknown == "does not parse"
    assert item.by_script == "does not parse: SyntaxError: invalid syntax at line 3; 0 findings"
    assert item.by_reporter == "flake8: flake8 is not installed"
    result.lint = Lint(tools=[LintTool("flake8", "7"), LintTool("pylint", "3")], score=10.0)
    assert checklist(result).item("lint").unknown == "clean"


def test_timeit_is_seen_running_in_our_cprofile_and_the_decorators_memory_is_ours(tmp_path):
    result = source_result(tmp_path, "print(1)\n")
    rows = [FunctionStat("Timer.timeit", "/usr/lib/python3/timeit.py", 166, 7, 7, 0.1, 0.2),
            FunctionStat("repeat", "/usr/lib/python3/timeit.py", 240, 1, 1, 0.0, 0.2)]
    record = guarded_run()
    record.profile = CProfileSummary(10, 10, 0.3, rows)
    result.runs.append(record)
    result.runs.append(RunRecord(Mode.DECORATED, 0, Status.OK, "", 0, 1.0, 1.0, "", decorated=[
        DecoratedFunction("work", 3, 0, 0, "work.prof", None,
                          memory=CallMemoryStats(3, 10.0, 12, 20.0, 24))]))
    found = checklist(result)
    assert found.item("classes").by_script == "timed with timeit (7 timings seen by our cProfile)"
    memory = found.item("by-memory")
    assert memory.by_reporter == "profile_deco(memory=True): work"
    assert [a.section for a in memory.reporter_links] == ["decorated"]
    assert found.item("by-calls").by_reporter == "cprofile: 10 calls"
