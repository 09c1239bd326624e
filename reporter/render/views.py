"""View models: what a section shows, computed in Python so that templates only lay it out.

Each function takes the results model and returns plain rows and sentences; each is tested on
its own (tests/unit/test_views.py).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any, Optional

from reporter.analysis import bench, pymalloc
from reporter.analysis.frames import PRUNE_FRACTION, walk
from reporter.analysis.lines import LineRow, line_rows
from reporter.analysis.verdict import (BAND, CONFIDENCE, FASTER, SLOWER, WORDS, Verdict,
                                       compare_samples, level, median_interval)
from reporter.profilers import PROFILERS
from reporter.profilers.base import OURS
from reporter.render.charts import (BAR_ROW, STATIC_TREE_FRACTION, GcDot, bar_chart, bars,
                                    gc_lanes, gc_timeline, histogram_rows, is_series, line_chart,
                                    memory_chart, static_tree, time_axis, tree_rows)
from reporter.render.export import flame_data
from reporter.render.format import as_percent, seconds, short_path, where
from reporter.render.names import decorated_key, page_name, speedscope_name
from reporter.render.process import ProcessView, process_view
from reporter.render.source import LinesView, lines_view
from reporter.vocabulary import GraphKind, Status, VerdictWord
from reporter.results import (AllocationSite, Benchmark, CProfileSummary, DecoratedFunction,
                              FlameGraph, Frame, MemraySummary, MemoryInsights, ProcessStats,
                              PymallocStats, RepeatPlan, Run, RunRecord, TimingStats,
                              WorkloadResult, WrittenFile)


@dataclass
class ScenarioRow:
    """One declared scenario over all its runs, compared with the first scenario."""

    label: str
    args: list[str]
    runs: int
    failed: int
    wall_s: list[float]
    peak_rss: list[float]
    insights: Optional[MemoryInsights]  # of its first clean run: the gc's work, deterministic
    wall_verdict: Optional[Verdict]  # None for the first scenario, the reference
    rss_verdict: Optional[Verdict]

    @property
    def wall_median(self) -> Optional[float]:
        """Median wall time of the clean runs."""
        return statistics.median(self.wall_s) if self.wall_s else None

    @property
    def rss_median(self) -> Optional[float]:
        """Median peak RSS of the clean runs."""
        return statistics.median(self.peak_rss) if self.peak_rss else None

    @property
    def wall_said(self) -> str:
        """Its wall time's verdict as the table prints it; "reference" for the first."""
        return self.wall_verdict.describe() if self.wall_verdict else "reference"

    @property
    def rss_said(self) -> str:
        """Its peak RSS's verdict in memory's words (smaller, larger)."""
        return self.rss_verdict.describe(MEMORY_WORDS) if self.rss_verdict else "reference"


def scenario_rows(workload: WorkloadResult) -> list[ScenarioRow]:
    """Each scenario's runs pooled; wall time and peak RSS judged against the first scenario."""
    grouped: dict[str, list[RunRecord]] = {}
    for record in workload.scenarios:
        grouped.setdefault(record.label, []).append(record)
    rows: list[ScenarioRow] = []
    for label, records in grouped.items():
        clean = [r for r in records if r.ok and r.wall_s]
        wall = [r.wall_s for r in clean if r.wall_s]
        rss = [float(r.insights.max_rss_bytes) for r in clean if r.insights]
        first = rows[0] if rows else None
        rows.append(ScenarioRow(
            label=label, args=list(records[0].extra_args), runs=len(records),
            failed=len(records) - len(clean), wall_s=wall, peak_rss=rss,
            insights=next((r.insights for r in clean if r.insights), None),
            wall_verdict=compare_samples(first.wall_s, wall) if first else None,
            rss_verdict=compare_samples(first.peak_rss, rss) if first else None,
        ))
    return rows


def scenario_sentences(rows: list[ScenarioRow]) -> list[str]:
    """What the scenarios show against the first one, in the verdict words, with figures."""
    if len(rows) < 2:
        return []
    reference = rows[0]
    found = []
    for row in rows[1:]:
        parts = []
        for what, verdict in (("wall time", row.wall_verdict), ("peak RSS", row.rss_verdict)):
            if verdict is None:
                continue
            if verdict.ratio is None:
                parts.append(f"{what} undecided (fewer than 3 clean runs on a side)")
            elif what == "peak RSS":  # memory is larger or smaller, not slower or faster
                parts.append(f"{what} {verdict.describe(MEMORY_WORDS)}")
            else:
                parts.append(f"{what} {verdict.describe()}")
        found.append(f"“{row.label}” against “{reference.label}”: " + "; ".join(parts) + ".")
    return found


MEMORY_WORDS: dict[VerdictWord, str] = {FASTER: "smaller", SLOWER: "larger"}


@dataclass
class CaseRow:
    """One benchmark case as the table and charts show it."""

    variant: str
    operation: str
    baseline: bool
    supported: bool
    reason: str
    measured_s: Optional[float]  # median seconds per statement, in its unrolled loop
    net_s: Optional[float]  # the same with the empty loop subtracted
    net_quartiles: Optional[tuple[float, float]]
    loop_s: Optional[float]  # the empty loop's seconds per iteration, beside it
    verdict: Optional[Verdict]  # None for the baseline, or with no baseline to compare with
    rounds: int
    processes: int
    loops: int
    unroll: int


@dataclass
class RatioMark:
    """A ratio and its interval placed on a log scale: x positions in pixels, y its row's."""

    label: str
    x: float
    low: float
    high: float
    verdict: Verdict
    y: int = 0
    value_x: float = 0.0  # where its ratio and word are written, right of its interval


@dataclass
class RatioTick:
    """A tick of the ratio chart's log axis; `one` marks the 1× tick, where the band sits."""

    x: float
    label: str
    one: bool


@dataclass
class RatioChart:
    """One operation's ratios to the baseline as the chart draws them."""

    marks: list[RatioMark]
    ticks: list[RatioTick]
    height: int  # the whole chart's
    plot_height: int  # the grid's and the band's, above the tick labels
    tick_y: int
    band_x: Optional[float]  # the band's left edge around the 1× tick; None without that tick
    band_width: int = 6


@dataclass
class BenchmarkView:
    """Everything the benchmark section says, computed once."""

    baseline: str
    rows: list[CaseRow]
    operations: list[str]
    comparisons: int
    level: str  # each interval's confidence, as people write it
    unroll: int
    rounds: dict[str, int]
    budget_s: float
    spent_s: float
    processes: int
    conclusions: list[str]  # the findings, each drawn from this run's numbers


def benchmark_view(result: Benchmark) -> BenchmarkView:
    """The benchmark's rows, with each case's verdict against the baseline worked out once."""
    names = bench.variants(result)
    baseline = names[0] if names else ""
    rows = []
    for timing in result.cases:
        net = timing.net_stats
        found = None if timing.variant == baseline else bench.verdict(result, timing)
        rows.append(CaseRow(
            variant=timing.variant, operation=timing.operation,
            baseline=timing.variant == baseline, supported=timing.supported,
            reason=timing.reason,
            measured_s=timing.stats.median if timing.stats else None,
            net_s=net.median if net else None,
            net_quartiles=net.quartiles if net else None,
            loop_s=result.loop_s.get(timing.operation),
            verdict=found, rounds=len(timing.values_s), processes=timing.processes,
            loops=timing.loops, unroll=timing.unroll))
    compared = [r for r in rows if r.verdict is not None and r.supported]
    return BenchmarkView(
        baseline=baseline, rows=rows, operations=bench.operations(result),
        comparisons=len(compared), level=level(result.confidence),
        unroll=max((r.unroll for r in rows), default=1), rounds=result.rounds,
        budget_s=result.budget_s, spent_s=result.spent_s,
        processes=max((r.processes for r in rows), default=0),
        conclusions=bench.conclusions(result))


def ratio_chart(view: BenchmarkView, operation: str, width: int = 380
                ) -> Optional[RatioChart]:
    """The operation's ratios to the baseline with their intervals on a log scale, the axis
    ticks, and the band drawn at the 1× tick; None where nothing was compared."""
    rows = [r for r in view.rows if r.operation == operation and r.verdict is not None
            and r.verdict.ratio is not None]
    values = [v for r in rows if r.verdict
              for v in (r.verdict.low, r.verdict.high, r.verdict.ratio) if v is not None and v > 0]
    low = min([0.5, *values]) / 1.1
    high = max([2.0, *values]) * 1.1

    def x(value: float) -> float:
        return round(width * (math.log(value) - math.log(low))
                     / (math.log(high) - math.log(low)), 1)

    marks = [RatioMark(r.variant, x(r.verdict.ratio), x(r.verdict.low or r.verdict.ratio),
                       x(r.verdict.high or r.verdict.ratio), r.verdict)
             for r in rows if r.verdict is not None and r.verdict.ratio]
    if not marks:
        return None
    for i, mark in enumerate(marks):
        mark.y = BAR_ROW * i + 10
        mark.value_x = max(mark.high, mark.x) + 8
    ticks = [RatioTick(x(t), f"{t:g}×", t == 1) for t in (0.25, 0.5, 1, 2, 4, 8, 16)
             if low <= t <= high]
    one = next((t.x for t in ticks if t.one), None)
    plot = BAR_ROW * len(marks) + 4
    return RatioChart(marks, ticks, height=plot + 18, plot_height=plot, tick_y=plot + 14,
                      band_x=None if one is None else one - 3)


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
    found = [r.verdict.word for r in view.rows if r.verdict is not None] if view else []
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


def answers(result: Benchmark, view: Optional[BenchmarkView] = None) -> list[str]:
    """The benchmark's own question, answered from this run: per operation, which variant is
    fastest by a decided margin and by how much, and which is smallest per instance (`view`,
    the benchmark's view when the caller has it, spares working the verdicts out again)."""
    view = view or benchmark_view(result)
    found = []
    for operation in view.operations:
        faster = [r for r in view.rows if r.operation == operation and r.verdict is not None
                  and r.verdict.word == FASTER and r.verdict.ratio is not None]
        if faster:
            best = min(faster, key=lambda r: r.verdict.ratio if r.verdict and r.verdict.ratio
                       else 1.0)
            assert best.verdict is not None and best.verdict.ratio is not None
            found.append(f"{operation}: {best.variant} is fastest, {best.verdict.ratio:.2f}× "
                         f"the time of {view.baseline} ({level(best.verdict.confidence)} "
                         f"interval {best.verdict.low:.2f}–{best.verdict.high:.2f}×)")
        elif any(r.operation == operation and r.verdict is not None for r in view.rows):
            found.append(f"{operation}: no variant is decidedly faster than {view.baseline}")
    sized = [m for m in result.memory if m.supported]
    base = next((m for m in sized if m.variant == view.baseline), None)
    if sized and base is not None and base.bytes_per_instance:
        small = min(sized, key=lambda m: m.bytes_per_instance)
        found.append(f"memory: {small.variant} is smallest, {small.bytes_per_instance:.0f} B "
                     f"per instance against {base.bytes_per_instance:.0f} B for "
                     f"{view.baseline} ({small.bytes_per_instance / base.bytes_per_instance:.2f}×)")
    return found


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


@dataclass
class InstanceRow:
    """What one instance of a variant costs, as the memory table shows it."""

    variant: str
    supported: bool
    reason: str
    bytes_per_instance: float
    block_bytes: float  # counted in whole pymalloc blocks: what the arenas hold
    getsizeof: int
    struct: str
    pre_header: int
    dict_bytes: Optional[int]
    weakref_slot: bool
    allocations: list[tuple[float, int, Optional[int]]]  # per instance: count, size, class
    anatomy: str  # why it costs that, in the lecture's words


def instance_rows(result: Benchmark) -> list[InstanceRow]:
    """The benchmark's memory table, with each allocation's pymalloc size class."""
    align, threshold = result.pymalloc_alignment, result.pymalloc_threshold
    return [InstanceRow(
        variant=m.variant, supported=m.supported, reason=m.reason,
        bytes_per_instance=m.bytes_per_instance if m.supported else 0.0,
        block_bytes=bench.block_bytes(m, align, threshold) if m.supported else 0.0,
        getsizeof=m.getsizeof, pre_header=m.pre_header if m.supported else 0,
        struct=f"{m.basicsize}{f' + {m.item_bytes}' if m.item_bytes else ''} B",
        dict_bytes=m.dict_bytes, weakref_slot=m.weakref_slot,
        allocations=[(count, size, bench.size_class(size, align, threshold))
                     for size, count in bench.per_instance_allocations(m)],
        anatomy=bench.anatomy(m, align, threshold) if m.supported else "")
        for m in result.memory]


def instance_size_classes(workload: WorkloadResult, alignment: int,
                          threshold: int) -> list[int]:
    """The pymalloc block sizes the benchmark's instances land in, for the pymalloc table."""
    if not workload.benchmark:
        return []
    found = {bench.size_class(size, alignment, threshold)
             for m in workload.benchmark.memory if m.supported
             for size, _ in bench.per_instance_allocations(m)}
    return sorted(size for size in found if size)


@dataclass
class PymallocView:
    """The pymalloc section: where this build differs from the classic table, the size
    classes whose use grew most, and every class before and at the end of the script."""

    differences: list[str]
    busiest: list[int]
    classes: list[dict[str, int]]


def pymalloc_view(before: PymallocStats, end: PymallocStats) -> PymallocView:
    """The pymalloc section's figures, from the two `_debugmallocstats` readings."""
    return PymallocView(differences=pymalloc.differences_from_classic(end),
                        busiest=pymalloc.busiest(before, end),
                        classes=pymalloc.class_changes(before, end))


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


@dataclass(frozen=True)
class Terms:
    """The code's constants as the pages' prose names them, formatted from the constants, so
    that changing one changes every sentence that names it."""

    band: str  # the verdicts' band around 1, "±2%" (analysis.verdict.BAND)
    confidence: str  # the level every verdict's interval is held at, "95%"
    prune: str  # the share under which a flame graph's frames are folded (frames.PRUNE_FRACTION)
    static_tree: str  # the same for the call tree printed as text (charts.STATIC_TREE_FRACTION)


TERMS = Terms(band="±" + as_percent(BAND), confidence=level(CONFIDENCE),
              prune=as_percent(PRUNE_FRACTION),
              static_tree=as_percent(STATIC_TREE_FRACTION))


def min_processes(confidence: float, most: int = 64) -> int:
    """The fewest fresh processes whose medians give an interval at `confidence` at all, by
    the verdict's own rule (`median_interval` over one median per process)."""
    n = 2
    while n < most and median_interval([1.0] * n, confidence, minimum=2)[1] is None:
        n += 1
    return n


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


@dataclass
class BenchmarkChart:
    """One operation's charts: its bars, and its ratios to the baseline where compared."""

    operation: str
    bars: dict[str, Any]
    ratios: Optional[RatioChart]
    unsupported: list[CaseRow]


@dataclass
class BenchmarkSection:
    """The benchmark section: the view, its charts and tables, and what its prose names."""

    result: Benchmark
    view: BenchmarkView
    charts: list[BenchmarkChart]
    memory_bars: Optional[dict[str, Any]]
    instances: list[InstanceRow]
    min_processes: int  # the fewest processes that reach the family's confidence at all
    too_few_processes: bool
    pyperf_link: Optional[str]


def benchmark_section(result: Benchmark, pyperf_link: Optional[str] = None
                      ) -> BenchmarkSection:
    """Everything the benchmark section draws, the verdicts worked out once."""
    view = benchmark_view(result)
    least = min_processes(result.confidence)
    return BenchmarkSection(
        result=result, view=view,
        charts=[BenchmarkChart(op, bar_chart(bars(result, op)), ratio_chart(view, op),
                               [r for r in view.rows if r.operation == op and not r.supported])
                for op in view.operations],
        memory_bars=bar_chart(bars(result)) if result.memory else None,
        instances=instance_rows(result), min_processes=least,
        too_few_processes=view.processes < least, pyperf_link=pyperf_link)


@dataclass
class GcTimeline:
    """The collections' timeline: a lane per generation, a dot per collection, time ticks."""

    lanes: list[dict[str, int]]
    dots: list[GcDot]
    ticks: list[dict[str, Any]]


@dataclass
class ArenaRow:
    """One line of the arenas' table: before the script, at its end, after releasing it."""

    label: str
    before: int
    end: int
    released: Optional[int]


@dataclass
class PymallocSection:
    """The pymalloc part of the memory section."""

    before: PymallocStats
    end: PymallocStats
    released: Optional[PymallocStats]
    view: PymallocView
    arenas: list[ArenaRow]
    instance_sizes: list[int]  # the classes the benchmark's instances land in


ARENA_ROWS = (("arenas allocated so far", "arenas_allocated_total"),
              ("arenas given back (reclaimed)", "arenas_reclaimed"),
              ("arenas at most at once (high-water mark)", "arenas_highwater"),
              ("arenas now", "arenas_current"))


@dataclass
class ScenarioSection:
    """The scenarios compared: their rows, what they show, and the RSS chart."""

    rows: list[ScenarioRow]
    sentences: list[str]
    generations: str  # the gc columns' heading, "0 / 1 / 2"
    rss: dict[str, Any]  # the chart, empty without RSS samples


@dataclass
class MemorySection:
    """The memory management section of the first clean unprofiled run."""

    insights: MemoryInsights
    gc_s: float
    collections: int
    run_wall_s: float
    timeline: Optional[GcTimeline]
    pymalloc: Optional[PymallocSection]
    objects: list[Any]  # the types the gc tracks, most grown first
    facts: list[Any]  # what the script observed, as single values
    series: list[tuple[str, dict[str, Any]]]  # what it observed as series, each a chart
    scenarios: Optional[ScenarioSection]


OBJECT_TYPES = 15  # rows of the gc's types table


def memory_section(workload: WorkloadResult) -> Optional[MemorySection]:
    """The memory management section; None without a run that recorded it."""
    m = workload.insights
    if m is None:
        return None
    run_wall = (workload.insights_run.wall_s if workload.insights_run else None) or 0
    timeline = None
    if m.collections:
        timeline = GcTimeline(gc_lanes(len(m.generations)), gc_timeline(m.collections, run_wall),
                              time_axis(max(run_wall, m.collections[-1].start_s)))
    pymalloc_part = None
    if m.pymalloc_before and m.pymalloc_end:
        before, end, released = m.pymalloc_before, m.pymalloc_end, m.pymalloc_released
        pymalloc_part = PymallocSection(
            before, end, released, pymalloc_view(before, end),
            [ArenaRow(label, getattr(before, attr), getattr(end, attr),
                      getattr(released, attr) if released else None)
             for label, attr in ARENA_ROWS],
            instance_size_classes(workload, end.alignment, end.threshold))
    scenarios = None
    if workload.scenarios:
        rows = scenario_rows(workload)
        first = rows[0].insights
        scenarios = ScenarioSection(
            rows, scenario_sentences(rows),
            " / ".join(str(g) for g in range(len(first.generations) if first else 3)),
            line_chart({r.label: r.insights.rss_samples for r in rows
                        if r.insights and r.insights.rss_samples},
                       x_unit="seconds", y_unit="bytes"))
    return MemorySection(
        insights=m, gc_s=sum(g.time_s for g in m.generations),
        collections=sum(g.collections for g in m.generations), run_wall_s=run_wall,
        timeline=timeline, pymalloc=pymalloc_part, objects=m.objects[:OBJECT_TYPES],
        facts=[o for o in m.observations if not is_series(o.value)],
        series=[(o.name, line_chart(o.value if isinstance(o.value, dict) else {o.name: o.value}))
                for o in m.observations if is_series(o.value)],
        scenarios=scenarios)


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


def workload_page(run: Run, workload: WorkloadResult,
                  pyperf_link: Optional[str] = None) -> WorkloadPage:
    """A script's page view model."""
    lv = lines_view(workload)
    h = headline(workload)
    card = Card(headline=h, link="", runs=len(workload.runs), system=None, verdicts={},
                line_anchor=lv.anchor(h.hottest_line) if lv and h.hottest_line
                else "line-by-line",
                repeats=workload.repeats if workload.repeats
                and workload.repeats.made < workload.repeats.asked else None)
    return WorkloadPage(
        run=run, workload=workload, card=card, output=output_view(workload),
        benchmark=benchmark_section(workload.benchmark, pyperf_link)
        if workload.benchmark else None,
        memory=memory_section(workload), process=process_view(workload),
        decorated=decorated_sections(workload), lines=lv,
        profiled=[profiler_section(r, workload) for r in workload.profiled],
        runs=[RunRow(r, workload.overhead(r) if r.profiler else None) for r in workload.runs])


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
        h = known.headline if known else headline(w)
        card = Card(headline=h, link=page, runs=None, repeats=known.repeats if known else None,
                    line_anchor=known.line_anchor if known else "line-by-line",
                    system=h.process, verdicts=h.verdicts)
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
