"""The homework checklist: what a script's report shows of each part of the homework.

The homework asks to compare objects with plain attributes, `__slots__` and weak references,
to profile by calls and by memory, to write a profiling decorator that accumulates over calls,
and to pass flake8 and pylint. `checklist(result)` says, for each, what the SCRIPT did (from
what ran: the hand-off's records of its own tools, the functions our cProfile saw it call; else
from its source, which collect keeps in `results.json`) apart from what the REPORTER did (its
benchmark of the script's `CASES`, its profiled runs, `profile_deco`). Each item says what was
found and where; none is a mark.

The source is read by `analysis.source_scan`, never run: findings name the file and line.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Optional

from reporter.analysis.source_scan import (CALL_PROFILER_APIS, MEMORY_APIS, TIMING_APIS,
                                           WEAKREF_APIS, Location, SourceFindings, Use,
                                           scan_sources)
from reporter.results import (CProfileSummary, LintTool, MemraySummary, OwnTool,
                              PyinstrumentSummary, WorkloadResult)
from reporter.vocabulary import Mode

# The script's page's sections an item points at (their ids in the templates).
DECORATOR_SECTION = Mode.DECORATED.value  # the section of the decorated run
LINT_SECTION = Mode.LINT.value  # the section of the lint job's findings
BENCHMARK_SECTION = "benchmark"
OUTPUT_SECTION = "output"
MEMORY_SECTION = "memory-management"
# A profiler section's sentences on the script's own tools: `<profiler>-own-tools`.
OWN_TOOLS = "own-tools"

# What our cProfile sees of timeit when the script calls it: timeit.py's functions.
TIMEIT_FUNCTIONS = ("timeit", "repeat", "Timer.timeit", "Timer.repeat", "Timer.autorange")
# The script's own tools (OwnTool.tool) that profile by calls, and by memory (tool or name).
CALL_TOOLS = ("cProfile", "sys.setprofile", "threading.setprofile", "sys.monitoring",
              "threading.setprofile_all_threads")
MEMORY_TOOLS = ("tracemalloc", "memory_profiler")
CALL_PROFILERS = ("cprofile", "pyinstrument")  # ours, by their registered names
MEMORY_PROFILER = "memray"


@dataclass
class Anchor:
    """Where an item points on the script's page: a section's id, or a line of a file
    (drawn in Line by line, where the page shows it)."""

    section: str = ""
    at: Optional[Location] = None


@dataclass
class ChecklistItem:
    """One part of the homework: what the script did, what the reporter did, where the page
    shows each (candidates, the first that the page has wins). `found` is None where it could
    not be looked at (no source kept, lint not run)."""

    topic: str
    by_script: str
    by_reporter: str
    found: Optional[bool]
    script_links: list[Anchor] = field(default_factory=list)
    reporter_links: list[Anchor] = field(default_factory=list)
    key: str = ""  # a stable name: "classes", "by-calls", "by-memory", "decorator", "lint"
    unknown: str = "not looked at"  # what `found` None means, in words


@dataclass
class Checklist:
    """A script's homework checklist, one item per part."""

    workload: str
    items: list[ChecklistItem]

    def item(self, key: str) -> ChecklistItem:
        """The item of that key."""
        return next(i for i in self.items if i.key == key)


@dataclass
class Evidence:
    """What one pass over a result gives every item: the source and what ran."""

    result: WorkloadResult
    source: Optional[SourceFindings]
    tools: list[OwnTool]  # the script's own tools, as the guarded runs recorded them
    guarded: bool  # whether any run had the guard that records them


def evidence(result: WorkloadResult) -> Evidence:
    """The source's findings and the script's own tools, each use once (with the most
    windows any run saw)."""
    tools: dict[tuple[str, str, str, int], OwnTool] = {}
    for record in result.runs:
        for tool in record.own_tools:
            key = (tool.tool, tool.name, tool.file, tool.line)
            if key not in tools or tools[key].windows < tool.windows:
                tools[key] = tool
    guarded = any(r.ok for r in result.runs if not r.mode.timing and not r.mode.benchmark)
    return Evidence(result, scan_sources(result), sorted(tools.values(), key=lambda t: t.first_s),
                    guarded)


def _listed(words: Sequence[str], limit: int = 4) -> str:
    shown = list(dict.fromkeys(words))
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _uses_said(uses: Sequence[Use]) -> str:
    by_api: dict[str, list[str]] = {}
    for u in uses:
        by_api.setdefault(u.api, []).append(u.at.short)
    return "; ".join(f"{api} at {_listed(where, 3)}" for api, where in by_api.items())


def _tool_said(tool: OwnTool) -> str:
    said = tool.name if tool.name == tool.tool else f"{tool.name} ({tool.tool})"
    if tool.file:
        said += f" from {Location(tool.file, tool.line).short}"
    return said + (f", {tool.windows} times" if tool.windows > 1 else "")


def _not_in_source(ev: Evidence, what: str) -> str:
    if ev.source is None:
        return f"{what}: its source was not kept, so it was not looked for there"
    return f"no {what} found"


def _timeit_ran(result: WorkloadResult) -> int:
    """How many timings our cProfile saw the script make with timeit (0: none)."""
    record = next((r for r in result.profiled if r.profile_as(CProfileSummary)), None)
    summary = record.profile_as(CProfileSummary) if record else None
    rows = [f for f in summary.functions if os.path.basename(f.file) == "timeit.py"
            and f.function in TIMEIT_FUNCTIONS] if summary else []
    return max((f.calls for f in rows if f.function == "Timer.timeit"),
               default=max((f.calls for f in rows), default=0))


def classes_item(ev: Evidence) -> ChecklistItem:
    """Classes compared: the script's own timing and its classes; the reporter's benchmark."""
    said, links = [], []
    timed = _timeit_ran(ev.result)
    timing = ev.source.using(TIMING_APIS) if ev.source else []
    if timed:
        said.append(f"timed with timeit ({timed} timings seen by our cProfile)")
    elif timing:
        said.append(f"times with {_uses_said(timing)} (in the source)")
    links += [Anchor(at=u.at) for u in timing[:1]] + [Anchor(OUTPUT_SECTION)]
    classes = ev.source.classes if ev.source else []
    kinds: dict[str, list[str]] = {}
    for c in classes:
        for kind in c.kinds:
            kinds.setdefault(kind, []).append(c.name)
    if classes:
        said.append("classes: " + "; ".join(f"{kind}: {_listed(names)}"
                                            for kind, names in kinds.items()))
        special = [c for c in classes if c.slots or c.weakrefs] or classes
        links = [Anchor(at=special[0].at), *links]
    loose = [u for u in (ev.source.using(WEAKREF_APIS) if ev.source else []) if not u.in_class]
    if loose:
        said.append(f"weak references outside its classes: {_uses_said(loose)}")
    if not said:
        said.append(_not_in_source(ev, "timing, __slots__ or weakref classes"))
    found = bool(timed or timing or any(c.slots or c.weakrefs for c in classes) or loose
                 or ev.result.benchmark is not None)
    return ChecklistItem("Classes compared", "; ".join(said), _benchmark_said(ev), found, links,
                         [Anchor(BENCHMARK_SECTION)], key="classes")


def _benchmark_said(ev: Evidence) -> str:
    """The reporter's benchmark of the script's CASES: its variants and operations."""
    bench = ev.result.benchmark
    if bench is not None:
        declared = [c for c in bench.cases if not c.control]  # the controls are ours
        variants = list(dict.fromkeys(c.variant for c in declared))
        operations = list(dict.fromkeys(c.operation for c in declared))
        return (f"benchmark of its CASES: {len(variants)} variants ({_listed(variants, 6)}) "
                f"× {len(operations)} operations, {len(declared)} cases timed, "
                f"{len(bench.memory)} variants sized")
    if ev.source is not None and ev.source.cases is not None:
        return f"CASES declared at {ev.source.cases.short}, but no benchmark result"
    return "no benchmark: the script declares no CASES"


def _profiler_runs(ev: Evidence, names: Sequence[str]) -> tuple[str, list[Anchor]]:
    said, links = [], []
    for name in names:
        record = ev.result.profiled_by(name)
        if record is None:
            continue
        links.append(Anchor(record.name))
        if record.profile is None:
            said.append(f"{name}: {record.status.label}, no profile")
            continue
        cprofile, memray = record.profile_as(CProfileSummary), record.profile_as(MemraySummary)
        sampled = record.profile_as(PyinstrumentSummary)
        figures = (f"{cprofile.total_calls:,} calls" if cprofile else
                   f"{sampled.samples:,} samples" if sampled else
                   f"peak {memray.peak_bytes / 2**20:.1f} MiB" if memray else "a profile")
        said.append(f"{name}: {figures}" + (" (partial)" if record.partial else ""))
    return "; ".join(said), links


def _own_tools_item(ev: Evidence, tools: list[OwnTool], in_source: list[Use],
                    what: str) -> tuple[str, list[Anchor], bool]:
    """The script's side of a profiling item: what ran, else what its source holds."""
    placed = {(t.tool, t.name) for t in tools if t.file}
    tools = [t for t in tools if t.file or (t.tool, t.name) not in placed]  # a thread's start
    if tools:
        said = "ran its own " + "; ".join(_tool_said(t) for t in tools)
        links = [Anchor(f"{r.name}-{OWN_TOOLS}") for r in ev.result.profiled
                 if any(t in tools for t in r.own_tools)][:1]
        return said, links + [Anchor(OUTPUT_SECTION)], True
    if in_source:
        seen = "no guarded run saw it start" if ev.guarded else "no guarded run made"
        return (f"{what} in its source ({_uses_said(in_source)}); {seen}",
                [Anchor(at=in_source[0].at), Anchor(OUTPUT_SECTION)], True)
    return _not_in_source(ev, what), [], False


def calls_item(ev: Evidence) -> ChecklistItem:
    """Profiled by calls: the script's own cProfile, profile or profile function; ours."""
    tools = [t for t in ev.tools if t.tool in CALL_TOOLS]
    in_source = ev.source.using(CALL_PROFILER_APIS | {"cProfile", "profile", "pyinstrument"}) \
        if ev.source else []
    by_script, script_links, script_found = _own_tools_item(
        ev, tools, in_source, "call profiler")
    by_reporter, links = _profiler_runs(ev, CALL_PROFILERS)
    return ChecklistItem("Profiled by calls", by_script, by_reporter or "no run of cProfile or "
                         "pyinstrument", script_found or bool(links), script_links, links,
                         key="by-calls")


def memory_item(ev: Evidence) -> ChecklistItem:
    """Profiled by memory: the script's memory_profiler or tracemalloc; memray, the decorator's
    memory mode and the gc and pymalloc probe of ours."""
    tools = [t for t in ev.tools if t.tool in MEMORY_TOOLS or t.name in MEMORY_TOOLS]
    in_source = ev.source.using(MEMORY_APIS | {"tracemalloc", "memory_profiler"}) \
        if ev.source else []
    by_script, script_links, script_found = _own_tools_item(
        ev, tools, in_source, "memory profiler")
    by_reporter, links = _profiler_runs(ev, (MEMORY_PROFILER,))
    sized = [d.name for d in ev.result.decorated if d.memory]
    if sized:
        by_reporter += "; " if by_reporter else ""
        by_reporter += f"profile_deco(memory=True): {_listed(sized)}"
        links.append(Anchor(DECORATOR_SECTION))
    if ev.result.insights is not None:
        by_reporter += ("; " if by_reporter else "") + "gc and pymalloc around an unprofiled run"
        links.append(Anchor(MEMORY_SECTION))
    return ChecklistItem("Profiled by memory", by_script, by_reporter or "no memray run",
                         script_found or bool(links), script_links, links, key="by-memory")


def decorator_item(ev: Evidence) -> ChecklistItem:
    """A profiling decorator that accumulates over calls: the script's own (from its source,
    with what ran from its wrapper), or ours (`profile_deco`)."""
    said, links = [], []
    found = False
    for d in ev.source.decorators if ev.source else []:
        ran = [t for t in ev.tools if os.path.basename(t.file) == os.path.basename(d.at.file)
               and d.first <= t.line <= d.last]
        words = f"{d.name}" + (f" on {_listed(d.applied_to)}" if d.applied_to else "")
        words += (": accumulates, " if d.accumulates else ": does not accumulate, ") + d.how
        words += " (read in its source)"
        if ran:
            words += "; ran: " + "; ".join(
                f"{t.name} started {t.windows} times from {Location(t.file, t.line).short}"
                for t in ran)
        said.append(words)
        links.append(Anchor(at=d.at))
        found = found or d.accumulates
    library = [u for u in ev.source.using({"memory_profiler.profile"}) if u.scope] \
        if ev.source else []
    if not said:
        said.append(_not_in_source(ev, "profiling decorator of its own"))
        if library:
            said[-1] += f" (memory_profiler's @profile on {_listed([u.scope for u in library])})"
    decorated = ev.result.decorated
    if decorated:
        by_reporter = "reporter.profile_deco on " + _listed(
            [f"{d.name} ({d.calls:,} call{'' if d.calls == 1 else 's'})" for d in decorated])
    else:
        by_reporter = "reporter.profile_deco not used"
    return ChecklistItem("Profiling decorator", "; ".join(said), by_reporter,
                         found or bool(decorated), links,
                         [Anchor(DECORATOR_SECTION)] if decorated else [], key="decorator")


def lint_item(ev: Evidence) -> ChecklistItem:
    """flake8 and pylint as the Lint section ran them: the script's findings (the codes most
    often found, pylint's score, whether it parses), apart from how the reporter ran the
    tools (their versions and configuration, or what kept one from running)."""
    lint = ev.result.lint
    if lint is None or lint.error:
        return ChecklistItem("flake8 and pylint", "", lint.error if lint else "lint not run",
                             None, key=LINT_SECTION, unknown="not run")
    codes = Counter(f.code for f in lint.findings)
    count = f"{len(lint.findings)} finding{'' if len(lint.findings) == 1 else 's'}"
    common = ", ".join(f"{code} ×{n}" for code, n in codes.most_common(3))
    said = [f"does not parse: {lint.syntax_error} at line {lint.syntax_line}"
            if lint.syntax_error else "",
            f"pylint {lint.score:.2f}/10" if lint.score is not None else "",
            count + (f" ({common}{', …' if len(codes) > 3 else ''})" if codes else "")]
    word = "does not parse" if lint.syntax_error else count if lint.findings else "clean"
    return ChecklistItem("flake8 and pylint", "; ".join(w for w in said if w),
                         "; ".join(_tool_ran(t) for t in lint.tools), None,
                         script_links=[Anchor(LINT_SECTION)], reporter_links=[Anchor(LINT_SECTION)],
                         key=LINT_SECTION, unknown=word)


def _tool_ran(tool: LintTool) -> str:
    """How one linter ran: its version and configuration, or what kept it from running."""
    name = f"{tool.name} {tool.version}".strip()
    if tool.problem:
        return f"{name}: {tool.problem}"
    return f"{name} with {os.path.basename(tool.config) if tool.config else 'its defaults'}"


# The items, in the order the homework asks for them; each is a function of the evidence.
ITEMS: tuple[Callable[[Evidence], ChecklistItem], ...] = (
    classes_item, calls_item, memory_item, decorator_item, lint_item)


def checklist(result: WorkloadResult) -> Checklist:
    """The script's homework checklist."""
    ev = evidence(result)
    return Checklist(result.name, [item(ev) for item in ITEMS])
