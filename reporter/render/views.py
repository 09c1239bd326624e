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
from reporter.analysis.frames import walk
from reporter.analysis.lines import LineRow, line_rows
from reporter.analysis.verdict import FASTER, SLOWER, WORDS, Verdict, compare_samples, level
from reporter.render.format import seconds, short_path, where
from reporter.vocabulary import GraphKind, Status, VerdictWord
from reporter.results import (AllocationSite, Benchmark, CProfileSummary, FlameGraph, Frame,
                              MemraySummary,
                              MemoryInsights, ProcessStats, PymallocStats, RunRecord, TimingStats,
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
    """A ratio and its interval placed on a log scale: x positions in pixels."""

    label: str
    x: float
    low: float
    high: float
    verdict: Verdict


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


def ratio_marks(view: BenchmarkView, operation: str, width: int = 380
                ) -> tuple[list[RatioMark], list[tuple[float, str]]]:
    """The operation's ratios to the baseline with their intervals on a log scale, and the
    axis ticks (x, label); 1× and the ±2% band sit where the ticks say."""
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
    ticks = [(x(t), f"{t:g}×") for t in (0.25, 0.5, 1, 2, 4, 8, 16) if low <= t <= high]
    return marks, ticks


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
