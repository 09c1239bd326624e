"""View models: what a section shows, computed in Python so that templates only lay it out.

Each function takes the results model and returns plain rows and sentences; each is tested on
its own (tests/unit/test_views.py).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Optional

from reporter.analysis import bench
from reporter.analysis.verdict import Verdict, compare_samples, level
from reporter.results import Benchmark, MemoryInsights, RunRecord, WorkloadResult


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
            else:
                parts.append(f"{what} {verdict.describe()}")
        found.append(f"“{row.label}” against “{reference.label}”: " + "; ".join(parts) + ".")
    return found


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
        processes=max((r.processes for r in rows), default=0))


def ratio_marks(view: BenchmarkView, operation: str, width: int = 380
                ) -> tuple[list[RatioMark], list[tuple[float, str]]]:
    """The operation's ratios to the baseline with their intervals on a log scale, and the
    axis ticks (x, label); 1× and the ±2% band sit where the ticks say."""
    rows = [r for r in view.rows if r.operation == operation and r.verdict is not None
            and r.verdict.ratio is not None]
    values = [v for r in rows for v in (r.verdict.low, r.verdict.high, r.verdict.ratio)
              if v is not None and v > 0]
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
