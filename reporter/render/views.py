"""View models: what a page and its sections show, computed in Python so that templates only
lay it out. The Benchmark and Memory management sections' views are in `benchmark` and
`memory`, the Process section's in `process`, Line by line's in `source`.

Each function takes the results model and returns plain rows and sentences; each is tested on
its own (tests/unit/test_views.py, tests/unit/test_page_views.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from reporter.analysis.frames import walk
from reporter.analysis.homework import (BENCHMARK_SECTION, DECORATOR_SECTION, LINT_SECTION,
                                        MEMORY_SECTION, OUTPUT_SECTION, OWN_TOOLS, Anchor,
                                        ChecklistItem, checklist)
from reporter.analysis.lines import LineRow, line_rows
from reporter.analysis.verdict import WORDS
from reporter.profilers import PROFILERS
from reporter.profilers.base import OURS
from reporter.render.benchmark import (BenchmarkSection, answers, benchmark_section,
                                       benchmark_view)
from reporter.render.charts import histogram_rows, memory_chart, static_tree, tree_rows
from reporter.render.export import flame_data
from reporter.render.format import plural, seconds, short_path, where
from reporter.render.memory import MemorySection, memory_section
from reporter.render.names import decorated_key, page_name, speedscope_name
from reporter.render.process import ProcessView, process_view
from reporter.render.source import LinesView, lines_view
from reporter.results import (AllocationSite, CProfileSummary, DecoratedFunction, FlameGraph,
                              Frame, Lint, LintFinding, LintTool, MemraySummary, ProcessStats,
                              RepeatPlan, Run, RunRecord, TimingStats, WorkloadResult,
                              WrittenFile)
from reporter.vocabulary import GraphKind, Status, VerdictWord


@dataclass
class Headline:
    """A script's answers, as the index shows them first: each figure read from its source."""

    name: str
    failed: int
    wall: Optional[TimingStats]  # unprofiled repeats
    hottest: Optional[Frame]  # the most own time in pyinstrument's samples
    hottest_share: float  # of the sampled total
    hottest_source: str  # the mode of the capture it comes from: one that saw the whole script
    hottest_of: str  # what its share is of, in words
    hottest_calls: Optional[int]  # cProfile's count for the same function, where it has one
    hottest_line: Optional[LineRow]  # the most CPU as its own, with enough samples to say
    process: Optional[ProcessStats]  # the system's view of the median unprofiled run
    peak_bytes: Optional[int]  # memray
    peak_site: Optional[AllocationSite]  # the line holding most of it at the peak

    @property
    def peak_site_share(self) -> float:
        """The peak site's part of the peak."""
        return self.peak_site.bytes / self.peak_bytes if self.peak_site and self.peak_bytes \
            else 0.0
    gc_s: Optional[float]  # time inside the gc, in the first clean bare run
    gc_share: Optional[float]  # of that run's wall time
    verdicts: dict[VerdictWord, int]  # benchmark: how many comparisons got each word
    answers: list[str]  # benchmark: per operation, the fastest variant; the smallest one
    baseline: str  # benchmark: the variant the others are compared with


def headline(workload: WorkloadResult) -> Headline:
    """The few figures that answer "what does this script cost, and where?"."""
    source, cpu, partial = _whole_cpu_graph(workload)
    hottest, share = _hottest(cpu.tree) if cpu else (None, 0.0)
    memray = next((m for r in workload.runs if (m := r.profile_as(MemraySummary))), None)
    insights, run = workload.insights, workload.insights_run
    run_in_middle = workload.middle_run
    gc_s = sum(g.time_s for g in insights.generations) if insights else None
    view = benchmark_view(workload.benchmark) if workload.benchmark else None
    found = [r.verdict.word for r in view.rows if r.verdict is not None and not r.control] \
        if view else []
    words = {word: found.count(word) for word in WORDS if word in found}
    return Headline(
        name=workload.name, failed=len(workload.failed), wall=workload.timing,
        hottest=hottest, hottest_share=share, hottest_source=source,
        hottest_of=HOTTEST_OF.get(source, "") + (" (a partial capture)" if partial else ""),
        hottest_calls=_calls(workload, hottest) if hottest else None,
        hottest_line=max((r for r in line_rows(workload) if r.timed_own and r.time_share > 0),
                         key=lambda r: r.time_share, default=None),
        process=run_in_middle.process if run_in_middle else None,
        peak_bytes=memray.peak_bytes if memray else None,
        peak_site=memray.top_at_peak[0] if memray and memray.top_at_peak else None,
        gc_s=gc_s,
        gc_share=gc_s / run.wall_s if gc_s is not None and run and run.wall_s else None,
        verdicts=words, baseline=view.baseline if view else "",
        answers=answers(workload.benchmark, view) if workload.benchmark else [])


HOTTEST_OF = {"pyinstrument": "pyinstrument's sampled time",
              "cprofile": "cProfile's measured time"}


def _whole_cpu_graph(workload: WorkloadResult) -> tuple[str, Optional[FlameGraph], bool]:
    """The CPU tree that saw the whole script: pyinstrument's real stacks, else cProfile's
    (merged with the script's own cProfile where that held the hook), else the one that
    missed the least; its run's mode, and whether it is partial."""
    found = [(r, g) for r in workload.runs for g in r.graphs
             if g.name in (GraphKind.CPU, GraphKind.CPU_CPROFILE)]
    found.sort(key=lambda rg: (rg[0].partial, rg[0].unseen_s, rg[1].name != GraphKind.CPU))
    return (found[0][0].name, found[0][1], found[0][0].partial) if found else ("", None, False)


def _hottest(tree: Frame) -> tuple[Optional[Frame], float]:
    """The function with the most own time over the whole tree (its frames summed), left
    out the synthetic frames ([other], [recursion], the decorator's own work, the root)."""
    own: dict[tuple[str, str, int], float] = {}
    first: dict[tuple[str, str, int], Frame] = {}
    for depth, frame in walk(tree):
        if depth == 0 or frame.function.startswith("["):
            continue
        key = (frame.function, frame.file, frame.line)  # two <listcomp>s are two functions
        own[key] = own.get(key, 0.0) + frame.self_value
        first.setdefault(key, frame)
    if not own or not tree.value:
        return None, 0.0
    key = max(own, key=lambda k: own[k])
    return first[key], own[key] / tree.value


def _calls(workload: WorkloadResult, frame: Frame) -> Optional[int]:
    """cProfile's call count for the function pyinstrument found hottest, if it lists it."""
    for record in workload.runs:
        profile = record.profile_as(CProfileSummary)
        if profile:
            wanted = (frame.function, frame.file, frame.line)
            for row in profile.functions:
                if (row.function, row.file, row.line) == wanted:
                    return row.calls
    return None


def function_rows(summary: CProfileSummary) -> dict[str, Any]:
    """Every function of a cProfile summary as compact rows for the page's own table script:
    [name, file, line, calls, primitive calls, own s, cumulative s, library] over a string
    table, `library` 1 for the standard library, built-ins and the import machinery."""
    strings: dict[str, int] = {}

    def index(text: str) -> int:
        return strings.setdefault(text, len(strings))

    rows = []
    for row in summary.functions:
        path = short_path(row.file) if row.file != "~" else ""
        library = not path or path.startswith(("<stdlib>", "<frozen"))
        rows.append([index(row.function), index(path), row.line, row.calls,
                     row.primitive_calls, float(f"{row.own_s:.6g}"),
                     float(f"{row.cumulative_s:.6g}"), int(library)])
    return {"strings": list(strings), "rows": rows, "total": summary.total_s}


def summary_record(workload: WorkloadResult) -> dict[str, Any]:
    """The index's headline figures of one script as plain data (`reporter summary --json`);
    the system figures are the median unprofiled run's, None where nothing measured them."""
    h = headline(workload)
    process = h.process
    return {
        "name": workload.name,
        "status": Status.OK.value if not h.failed else "failed",
        "failed_runs": h.failed,
        "wall_s": h.wall.median if h.wall else None,
        "peak_bytes": h.peak_bytes,
        "peak_rss_bytes": process.max_rss_bytes if process else None,
        "cpu_user_s": process.user_s if process else None,
        "cpu_sys_s": process.system_s if process else None,
        "cpu_utilisation": process.utilisation if process else None,
        "read_bytes": process.read_bytes if process else None,
        "write_bytes": process.write_bytes if process else None,
        "ctx_switches_voluntary": process.ctx_voluntary if process else None,
        "ctx_switches_involuntary": process.ctx_involuntary if process else None,
        "child_processes": len(process.children) if process else None,
        "gc_time_share": h.gc_share,
        "hottest_function": h.hottest.function if h.hottest else None,
        "hottest_function_from": h.hottest_source or None,
        "partial_captures": sorted(r.name for r in workload.profiled if r.partial),
        "own_tools": sorted({t.name for r in workload.runs for t in r.own_tools}),
        "hottest_line": where(h.hottest_line) if h.hottest_line else None,
        "lint_score": workload.lint.score if workload.lint else None,
        "lint_findings": len(workload.lint.findings)
        if workload.lint and not workload.lint.error else None,
    }


def own_tools_note(record: RunRecord) -> str:
    """The index's few words on a complete capture beside which the script ran its own tools."""
    merged = sorted({t.name for t in record.own_tools if t.recovered_s})
    beside = sorted({t.name for t in record.own_tools if not t.recovered_s})
    words = [f"{', '.join(merged)} merged in"] if merged else []
    words += [f"{', '.join(beside)} ran beside it"] if beside else []
    return "the script's own " + "; ".join(words)


def own_tools_sentences(record: RunRecord) -> list[str]:
    """What the script's own profilers and tracers did to this run's capture, one sentence
    each, from the figures its guard recorded."""
    sentences = []
    for tool in record.own_tools:
        said = f"The script's own {tool.name}"
        if tool.name != tool.tool:
            said += f" ({tool.tool})"
        said += (f", started at {where(tool)}" if tool.file else ", started outside the script's "
                 "code (a new thread's start)")
        said += f", ran for {seconds(tool.active_s)}"
        if record.wall_s:
            said += f" of the script's {seconds(record.wall_s)}"
        if tool.windows > 1:
            said += f" ({tool.windows} times)"
        if tool.displaced_s and tool.recovered_s >= tool.displaced_s:
            said += (f"; it held the hook this profiler needs for {seconds(tool.displaced_s)}, "
                     "and what it measured meanwhile is merged in, under the function that "
                     "started it.")
        elif tool.displaced_s and isinstance(record.profile, MemraySummary):
            said += (f"; it held the hook this profiler follows Python stacks with for "
                     f"{seconds(tool.unseen_s)}: the allocations made meanwhile are counted, "
                     "without their stacks (under “[interpreter: no Python frame]”).")
        elif tool.displaced_s:
            said += (f"; it held the hook this profiler needs for {seconds(tool.unseen_s)}, "
                     "which this profile could not see: that time is one frame “[not seen: "
                     "…]”, where the script took the hook.")
        else:
            said += "; it ran beside this profiler, so its cost is inside every figure taken "
            said += "meanwhile."
        sentences.append(said)
    return sentences


@dataclass
class Stream:
    """One of the script's output streams, as its page shows it."""

    name: str  # "stdout" or "stderr"
    text: str
    size_bytes: int  # of the whole file
    shown_bytes: int  # of it, on the page
    file: str  # the whole file, relative to the report


@dataclass
class OutputView:
    """What the script printed and wrote in one run, as its page shows it."""

    mode: str
    repeat: int
    streams: list[Stream]  # those with anything in them
    written: list[WrittenFile]


def output_view(workload: WorkloadResult) -> Optional[OutputView]:
    """The script's output as collect kept it; None where it printed and wrote nothing."""
    output = workload.output
    if output is None:
        return None
    streams = [Stream("stdout", output.stdout, output.stdout_bytes,
                      len(output.stdout.encode("utf-8", errors="replace")), output.stdout_file),
               Stream("stderr", output.stderr, output.stderr_bytes,
                      len(output.stderr.encode("utf-8", errors="replace")), output.stderr_file)]
    streams = [s for s in streams if s.size_bytes]
    if not streams and not output.written:
        return None
    return OutputView(output.mode, output.repeat, streams, output.written)


# The pages' view models: one per page, built here and handed to its template, which lays
# their fields out and computes nothing (tests/unit/test_page_views.py).


TOP_FUNCTIONS = 25  # rows of the static top tables; the full table has them all


DECORATED_FUNCTIONS = 15  # rows of a decorated function's table


@dataclass
class GraphView:
    """A flame graph as its figure shows it: the data its script draws, the coarser call tree
    printed beside it, and where its speedscope export is."""

    graph: FlameGraph
    id: str  # unique on its page
    data: dict[str, Any]
    tree: list[tuple[str, Optional[Frame]]]  # tree_rows of the coarser tree
    tree_total: float
    speedscope: Optional[str]  # None on the comparison page, which colours by change instead


def graph_view(graph: FlameGraph, workload: Optional[WorkloadResult], key: str = "",
               deltas: Optional[dict[int, float]] = None) -> GraphView:
    """A graph's figure; `key` names it on its page (its name where that is unique), `deltas`
    its frames' changes on the comparison page."""
    static = static_tree(graph.tree)
    key = key or graph.name
    return GraphView(graph=graph, id=key, data=flame_data(graph, deltas, path=short_path),
                     tree=list(tree_rows(static)), tree_total=static.value,
                     speedscope=speedscope_name(workload, key)
                     if deltas is None and workload is not None else None)


@dataclass
class LintRow:
    """One finding as the Lint section lists it."""

    finding: LintFinding
    where: str  # file:line
    anchor: str  # its line in the annotated source; "" where that does not show it


@dataclass
class LintView:
    """The Lint section and the card's line: pylint's score, the findings, each tool in a
    sentence, and whether the script parses."""

    lint: Lint
    rows: list[LintRow]
    tools: list[str]
    parse_error: str  # "does not parse: SyntaxError: invalid syntax at line 3"; "" if it does
    headline: str  # the card's words: "pylint 9.50/10, 3 findings"

    @property
    def score(self) -> Optional[float]:
        """pylint's score out of 10, where it gave one."""
        return self.lint.score


def lint_view(workload: WorkloadResult, lines: Optional[LinesView] = None) -> Optional[LintView]:
    """The linters' findings, each line linked to the annotated source where that shows it;
    None where the script was not linted (--no-lint)."""
    found = workload.lint
    if found is None:
        return None
    rows = [LintRow(f, where(f) if f.file else "–",
                    lines.line_anchor(f.file, f.line) if lines and f.file else "")
            for f in found.findings]
    parse_error = (f"does not parse: {found.syntax_error}"
                   + (f" at line {found.syntax_line}" if found.syntax_line else "")
                   if found.syntax_error else "")
    if found.error:
        words = f"not linted: {found.error}"
    else:
        score = f"pylint {found.score:.2f}/10, " if found.score is not None else ""
        words = f"{score}{plural(len(rows), 'finding')}"
        words = f"{parse_error}; {words}" if parse_error else words
    return LintView(lint=found, rows=rows, tools=[_tool_sentence(t) for t in found.tools],
                    parse_error=parse_error, headline=words)


def _tool_sentence(tool: LintTool) -> str:
    if tool.problem:
        return tool.problem
    config = (f"with {short_path(tool.config)}" if tool.config
              else "with the tools' defaults: the script has no configuration of its own")
    return f"{tool.name} {tool.version}".strip() + f", {config}"


@dataclass
class Card:
    """A script's headline as the index's card and the top of its page both show it (one
    macro, `headline`): the figures, and what each page adds or links to."""

    headline: Headline
    link: str  # the script's page, "" on the page itself
    line_anchor: str  # the hottest line in the annotated source
    repeats: Optional[RepeatPlan]  # where fewer unprofiled runs were made than asked for
    runs: Optional[int]  # the page's: how many runs, the failed ones said
    system: Optional[ProcessStats]  # the index's: the median unprofiled run's system figures
    verdicts: dict[VerdictWord, int]  # the index's: the benchmark's words counted
    checklist: list[ChecklistRow] = field(default_factory=list)  # the homework's parts
    lint: Optional[LintView] = None  # pylint's score and the findings counted


@dataclass
class ChecklistRow:
    """One part of the homework as a card shows it: the item, and the ids on the script's page
    that its two sides link to ("" where the page shows nothing of it)."""

    item: ChecklistItem
    script_link: str
    reporter_link: str

    @property
    def word(self) -> str:
        """What was found, in words: never a mark."""
        found = self.item.found
        return self.item.unknown if found is None else "found" if found else "not found"


def page_ids(page: WorkloadPage) -> set[str]:
    """The ids of a script's page that the checklist may link to, as its templates write them
    (tests/integration/test_homework.py reads them back from the page)."""
    ids = {"summary", "runs", *([LINT_SECTION] if page.lint else [])}
    sections = {OUTPUT_SECTION: page.output, BENCHMARK_SECTION: page.benchmark,
                MEMORY_SECTION: page.memory, "process": page.process,
                DECORATOR_SECTION: page.decorated, "line-by-line": page.lines}
    ids.update(name for name, view in sections.items() if view)
    for section in page.profiled:
        ids.add(section.record.name)
        if section.record.profile is not None and section.own_tools:
            ids.add(f"{section.record.name}-{OWN_TOOLS}")
    for f in page.lines.files if page.lines else []:
        ids.add(f.anchor)
        ids.update(f"{f.anchor}-L{line.number}" for b in f.blocks for line in b.lines)
    return ids


def _resolved(anchors: list[Anchor], ids: set[str], lv: Optional[LinesView]) -> str:
    """The first of an item's anchors that the page has: a section, or a line of the
    annotated source."""
    for anchor in anchors:
        if anchor.at is not None:
            path = short_path(anchor.at.file)
            file = next((f for f in lv.files if f.path == path), None) if lv else None
            found = f"{file.anchor}-L{anchor.at.line}" if file else ""
        else:
            found = anchor.section
        if found in ids:
            return found
    return ""


def checklist_rows(page: WorkloadPage) -> list[ChecklistRow]:
    """The script's homework checklist, each side linked to where its page shows it."""
    ids = page_ids(page)
    return [ChecklistRow(item, _resolved(item.script_links, ids, page.lines),
                         _resolved(item.reporter_links, ids, page.lines))
            for item in checklist(page.workload).items]


@dataclass
class DecoratedSection:
    """One function of the profiling decorator as its part of the page shows it."""

    function: DecoratedFunction
    traced: int  # calls the line tracer saw: neither nested nor left to another profiler
    lines_s: float  # the time inside its lines, what "% time" is of
    functions: list[Any]  # its table's rows
    graphs: list[GraphView]


def decorated_sections(workload: WorkloadResult) -> list[DecoratedSection]:
    """The decorated functions, each with its figures and graphs keyed on the page."""
    return [DecoratedSection(
        function=d, traced=d.calls - d.nested_calls - d.unprofiled_calls,
        lines_s=sum(line.time_s for line in d.lines),
        functions=d.profile.functions[:DECORATED_FUNCTIONS] if d.profile else [],
        graphs=[graph_view(g, workload, decorated_key(i, d.name)) for g in d.profile.graphs]
        if d.profile else [])
        for i, d in enumerate(workload.decorated, 1)]


@dataclass
class ProfilerSection:
    """A profiled run's section: what its profiler sees, its own tools, its graphs, and
    the views its template draws (for our profilers; a plug-in's template reads `r`)."""

    record: RunRecord
    scope: str
    own_tools: list[str]
    graphs: list[GraphView]
    functions: Optional[dict[str, Any]] = None  # cProfile: the whole table's rows
    top_cumulative: Optional[list[Any]] = None
    top_own: Optional[list[Any]] = None
    memory: Optional[dict[str, Any]] = None  # memray: memory over time
    sizes: Optional[list[dict[str, Any]]] = None  # memray: the sizes histogram


def profiler_section(record: RunRecord, workload: WorkloadResult) -> ProfilerSection:
    """A profiled run's section view."""
    found = ProfilerSection(record=record, scope=PROFILERS[record.profiler].scope
                            if record.profiler in PROFILERS else "",
                            own_tools=own_tools_sentences(record),
                            graphs=[graph_view(g, workload) for g in record.graphs])
    cprofile = record.profile_as(CProfileSummary)
    if cprofile:
        found.functions = function_rows(cprofile)
        found.top_cumulative = cprofile.functions[:TOP_FUNCTIONS]
        found.top_own = cprofile.by_own[:TOP_FUNCTIONS]
    memray = record.profile_as(MemraySummary)
    if memray:
        found.memory = memory_chart(memray.timeline)
        found.sizes = histogram_rows(memray.sizes_at_peak)
    return found


@dataclass
class RunRow:
    """A run of the page's runs table, with its overhead worked out."""

    record: RunRecord
    overhead: Optional[float]


@dataclass
class WorkloadPage:
    """Everything a script's page shows, each section's view built once."""

    run: Run
    workload: WorkloadResult
    card: Card
    output: Optional[OutputView]
    benchmark: Optional[BenchmarkSection]
    memory: Optional[MemorySection]
    process: Optional[ProcessView]
    decorated: list[DecoratedSection]
    lines: Optional[LinesView]
    profiled: list[ProfilerSection]
    runs: list[RunRow]
    lint: Optional[LintView] = None


def workload_page(run: Run, workload: WorkloadResult,
                  pyperf_link: Optional[str] = None) -> WorkloadPage:
    """A script's page view model."""
    lv = lines_view(workload)
    h = headline(workload)
    linted = lint_view(workload, lv)
    card = Card(headline=h, link="", runs=len(workload.runs), system=None, verdicts={},
                lint=linted,
                line_anchor=lv.anchor(h.hottest_line) if lv and h.hottest_line
                else "line-by-line",
                repeats=workload.repeats if workload.repeats
                and workload.repeats.made < workload.repeats.asked else None)
    page = WorkloadPage(
        run=run, workload=workload, card=card, output=output_view(workload),
        benchmark=benchmark_section(workload.benchmark, pyperf_link)
        if workload.benchmark else None,
        memory=memory_section(workload), process=process_view(workload),
        decorated=decorated_sections(workload), lines=lv,
        profiled=[profiler_section(r, workload) for r in workload.profiled],
        runs=[RunRow(r, workload.overhead(r) if r.profiler else None) for r in workload.runs],
        lint=linted)
    card.checklist = checklist_rows(page)
    return page


@dataclass
class ProfiledCell:
    """One profiled run in the index's overheads table."""

    record: RunRecord
    overhead: Optional[float]
    own_tools: str  # the few words on the script's own tools, "" where none ran


@dataclass
class IndexRow:
    """One script in the index: its card and its line of the overheads table."""

    workload: WorkloadResult
    page: str
    card: Card
    failed_bare: list[RunRecord]  # unprofiled runs that did not finish cleanly
    cells: list[list[ProfiledCell]]  # per column, that profiler's runs


@dataclass
class IndexPage:
    """The report's front page: a card per script, then what each profiler cost."""

    run: Run
    columns: list[str]
    rows: list[IndexRow]
    runs: int  # every run of every script
    reused: int
    parallel: int


def index_page(run: Run, cards: Optional[dict[str, Card]] = None) -> IndexPage:
    """The index's view model; `cards`, the scripts' pages' cards by name where they are
    built already, are reused with the index's links (the same figures, worked out once)."""
    columns = [*OURS, *(n for n in run.profilers if n not in OURS)]
    rows = []
    for w in run.workloads:
        page = page_name(w)
        known = (cards or {}).get(w.name)
        # Without the page's card, the page's view is built once for what the card takes.
        own = known or workload_page(run, w).card
        h = own.headline
        card = Card(headline=h, link=page, runs=None, repeats=known.repeats if known else None,
                    line_anchor=known.line_anchor if known else "line-by-line",
                    system=h.process, verdicts=h.verdicts, checklist=own.checklist,
                    lint=own.lint)
        cells = [[ProfiledCell(r, w.overhead(r),
                               own_tools_note(r) if r.own_tools and not r.partial else "")
                  for r in w.runs if r.profiler == name] for name in columns]
        rows.append(IndexRow(w, page, card, [r for r in w.runs if not r.profiler and not r.ok],
                             cells))
    records = [r for w in run.workloads for r in w.runs]
    return IndexPage(run=run, columns=columns, rows=rows, runs=len(records),
                     reused=sum(1 for r in records if r.reused_from),
                     parallel=sum(1 for r in records if r.parallel))


@dataclass
class ComparePage:
    """The comparison of two runs: the comparison's rows, and its graphs' figures."""

    comparison: Any
    graphs: list[tuple[Any, GraphView]]  # each graph diff with its figure


def compare_page(comparison: Any) -> ComparePage:
    """The comparison page's view model."""
    return ComparePage(comparison, [(d, graph_view(d.graph, None, f"{d.workload}-{d.graph.name}",
                                                   d.deltas)) for d in comparison.graphs])
