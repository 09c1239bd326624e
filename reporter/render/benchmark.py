"""The Benchmark section's views: every case's figures and verdict, the ratio charts' geometry,
the instances' sizes, and the answer to the benchmark's own question."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

from reporter.analysis import bench
from reporter.analysis.verdict import (FASTER, Verdict, level)
from reporter.render.charts import BAR_ROW, bar_chart, bars
from reporter.results import (Benchmark, WorkloadResult)
from reporter.render.terms import min_processes


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
