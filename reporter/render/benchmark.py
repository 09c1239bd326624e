"""The Benchmark section's views: every case's figures and verdict, the ratio charts' geometry,
the instances' sizes, and the answer to the benchmark's own question."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from reporter.analysis import bench, mechanism
from reporter.analysis.mechanism import CaseMechanism, Group
from reporter.analysis.verdict import BAND, FASTER, SAME, SLOWER, UNDECIDED, Verdict, level
from reporter.render.charts import BAR_ROW, bar_chart, bars
from reporter.results import (Benchmark, WorkloadResult)
from reporter.render.terms import min_processes
from reporter.vocabulary import Mechanism


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
    control: bool = False  # the baseline's statement on copies of its classes
    mechanism: Optional[CaseMechanism] = None  # its instructions against the baseline's


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
    why: dict[str, list[str]]  # per operation: the control's noise, then the variants grouped
    # by what their instructions say, each with its verdict
    noise: dict[str, Verdict]  # per operation, the control's verdict: this machine's noise
    unobserved: str  # why no case's instructions could be seen, where none could
    traced: bool = False  # because something traced the timing processes (not the Python)


def benchmark_view(result: Benchmark) -> BenchmarkView:
    """The benchmark's rows, with each case's verdict against the baseline worked out once."""
    names = bench.variants(result)
    baseline = names[0] if names else ""
    how = mechanism.mechanisms(result, baseline)
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
            loops=timing.loops, unroll=timing.unroll, control=timing.control,
            mechanism=how.get((timing.variant, timing.operation))))
    compared = [r for r in rows if r.verdict is not None and r.supported]
    controls = list(dict.fromkeys(r.variant for r in rows if r.control))
    operations = bench.operations(result)
    hidden = {m.why_not for m in how.values()
              if m.word == Mechanism.UNOBSERVED}
    everywhere = len(hidden) == 1 and all(m.word == Mechanism.UNOBSERVED for m in how.values())
    return BenchmarkView(
        baseline=baseline, rows=rows, operations=operations,
        comparisons=len(compared), level=level(result.confidence),
        unroll=max((r.unroll for r in rows), default=1), rounds=result.rounds,
        budget_s=result.budget_s, spent_s=result.spent_s,
        processes=max((r.processes for r in rows), default=0),
        conclusions=bench.conclusions(result),
        why={op: _why(rows, mechanism.groups(how, op, baseline, controls), op, controls)
             for op in operations},
        noise={r.operation: r.verdict for r in rows if r.control and r.verdict is not None
               and r.verdict.ratio is not None},
        unobserved=next(iter(hidden)) if everywhere and how else "",
        traced=any(mechanism.TRACED in why for why in hidden))


def _why(rows: list[CaseRow], groups: list[Group], operation: str,
         controls: list[str]) -> list[str]:
    """One operation's answer to "why": what the control measured, then each group of
    variants, named with their verdicts, and what their instructions say."""
    verdicts = {r.variant: r.verdict for r in rows if r.operation == operation}
    lines = []
    for control in controls:
        found = verdicts.get(control)
        if found is not None and found.low is not None and found.high is not None:
            wide = found.low < 1 - BAND or found.high > 1 + BAND
            lines.append(f"{control}, the control: {_interval(found)}, {found.word}: the "
                         "interval this machine gives identical code"
                         + (f", wider than the ±{BAND:.0%} band, so a difference this small "
                            "cannot be decided here" if wide else ""))
        elif found is not None and found.ratio is not None:
            lines.append(f"{control}, the control: {found.ratio:.2f}×, with too few processes "
                         "for an interval: the noise of identical code is not measured")
    told = any(g.word != Mechanism.UNOBSERVED for g in groups)
    for group in groups if told else []:
        who = ", ".join(f"{v} ({_said(verdicts.get(v))})" for v in group.variants)
        lines.append(group.sentence(who))
    return lines


def _said(found: Optional[Verdict]) -> str:
    if found is None or found.ratio is None:
        return found.word if found else "not compared"
    return f"{found.word}, {found.ratio:.2f}×"


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


def answers(result: Benchmark, view: Optional[BenchmarkView] = None) -> list[str]:
    """The benchmark's own question, answered from this run: per operation, the variants
    decidedly faster and slower than the baseline with their ratios, the others with the
    reason in a few words, and the control's noise; then the smallest per instance (`view`,
    the benchmark's view when the caller has it, spares working the verdicts out again)."""
    view = view or benchmark_view(result)
    found = [line for operation in view.operations
             if (line := _operation_answer(view, operation))]
    sized = [m for m in result.memory if m.supported]
    base = next((m for m in sized if m.variant == view.baseline), None)
    if sized and base is not None and base.bytes_per_instance:
        small = min(sized, key=lambda m: m.bytes_per_instance)
        found.append(f"memory: {small.variant} is smallest, {small.bytes_per_instance:.0f} B "
                     f"per instance against {base.bytes_per_instance:.0f} B for "
                     f"{view.baseline} ({small.bytes_per_instance / base.bytes_per_instance:.2f}×)")
    return found


def _operation_answer(view: BenchmarkView, operation: str) -> str:
    """One operation's verdicts against the baseline, in one line, the decided ones first."""
    rows = [r for r in view.rows if r.operation == operation and not r.control
            and r.verdict is not None and r.supported]
    if not rows:
        return ""

    def decided(word: str) -> list[str]:
        picked = sorted((r for r in rows if r.verdict and r.verdict.word == word
                         and r.verdict.ratio is not None),
                        key=lambda r: r.verdict.ratio if r.verdict and r.verdict.ratio else 1.0,
                        reverse=word == SLOWER)
        return [f"{r.variant} {_interval(r.verdict)}" for r in picked if r.verdict]

    def reasoned(word: str) -> list[str]:
        return [r.variant + (f" ({why})" if (why := mechanism.short(r.mechanism, view.baseline))
                             else "")
                for r in rows if r.verdict and r.verdict.word == word]

    parts = [f"{label} {', '.join(names)}" for label, names in (
        (f"faster than {view.baseline}:", decided(FASTER)),
        (f"slower than {view.baseline}:", decided(SLOWER)),
        ("the same:", reasoned(SAME)), ("undecided:", reasoned(UNDECIDED))) if names]
    noise = view.noise.get(operation)
    if noise is not None and noise.low is not None:
        parts.append(f"noise (a copy of {view.baseline}): {noise.low:.2f}–{noise.high:.2f}×")
    return f"{operation}: " + "; ".join(parts)


def _interval(found: Verdict) -> str:
    assert found.ratio is not None
    spread = f" ({found.low:.2f}–{found.high:.2f}×)" if found.low is not None else ""
    return f"{found.ratio:.2f}×{spread}"


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
