"""Two runs side by side: what got faster, slower or bigger, and how sure that is.

Timings get the report's one verdict rule (`reporter.analysis.verdict`): the ratio of the new
median to the base median with a 95% bootstrap interval (the runs are not paired with each
other), read against the ±2% band: faster, slower, the same, or undecided. A Mann-Whitney U
test's p-value is shown beside it for reference only (exact for small samples without ties,
normal-approximated with tie correction otherwise); it does not decide the word.
"""

from __future__ import annotations

import functools
import math
import os
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional

from reporter.analysis import lines as line_analysis
from reporter.analysis.lines import LineRow
from reporter.analysis.verdict import FASTER, SLOWER, compare_samples
from reporter.profilers import PROFILERS
from reporter.vocabulary import VerdictWord
from reporter.results import (CaseTiming, FlameGraph, Frame, FunctionStat, Run, TimingStats,
                              WorkloadResult)

EXACT_LIMIT = 400  # n1 * n2 up to this: exact distribution of U


@dataclass
class Difference:
    """The outcome of comparing two samples."""

    label: str  # faster, slower, the same, undecided; or added, removed
    change: Optional[float] = None  # new median / base median - 1
    p_value: Optional[float] = None  # Mann-Whitney, for reference
    low: Optional[float] = None  # 95% interval on new median / base median
    high: Optional[float] = None

    @property
    def significant(self) -> bool:
        """True for faster or slower."""
        return self.label in (FASTER, SLOWER)


@dataclass
class TimingChange:
    """One timed thing in both runs: a benchmark case, or a whole script's wall time."""

    workload: str
    variant: str
    operation: str
    base: Optional[TimingStats]
    new: Optional[TimingStats]
    verdict: Difference


@dataclass
class FunctionChange:
    """A function's cProfile figures before and after."""

    function: str
    file: str
    line: int
    base: Optional[FunctionStat]
    new: Optional[FunctionStat]

    @property
    def own_change(self) -> float:
        """Own seconds after minus before (0 where a side is missing)."""
        return (self.new.own_s if self.new else 0.0) - (self.base.own_s if self.base else 0.0)

    @property
    def cumulative_change(self) -> float:
        """Cumulative seconds after minus before."""
        return ((self.new.cumulative_s if self.new else 0.0)
                - (self.base.cumulative_s if self.base else 0.0))


@dataclass
class LineChange:
    """One of the script's lines in both runs, matched by function and source text."""

    base: Optional[LineRow]
    new: Optional[LineRow]
    score: float  # the largest change, as a share of its measure's whole

    @property
    def time_change(self) -> float:
        """The change of the line's CPU share with calls, as a fraction of the whole."""
        return ((self.new.time_share_with_calls if self.new else 0.0)
                - (self.base.time_share_with_calls if self.base else 0.0))

    @property
    def time_noise(self) -> bool:
        """True when the time change is inside the two shares' sampling margins."""
        margins = [r.time_margin for r in (self.base, self.new) if r and r.time_samples]
        return abs(self.time_change) <= math.sqrt(sum(m * m for m in margins))

    @property
    def peak_change(self) -> int:
        """Bytes at the peak, new minus base."""
        return (self.new.peak_bytes if self.new else 0) - (self.base.peak_bytes if self.base else 0)

    @property
    def exit_change(self) -> int:
        """Bytes at exit, new minus base."""
        return (self.new.exit_bytes if self.new else 0) - (self.base.exit_bytes if self.base else 0)


@dataclass
class MeasureChange:
    """A memory or gc figure before and after."""

    workload: str
    measure: str
    unit: str
    base: Optional[float]
    new: Optional[float]


@dataclass
class DiffGraph:
    """The new run's tree, each frame with its change against the base run's matching frame."""

    workload: str
    graph: FlameGraph
    deltas: dict[int, float]  # id(frame) -> new value - base value (absent: not in base)
    gone: list[tuple[str, float]]  # frames only the base had: (name, value), biggest first


@dataclass
class Comparison:
    """Everything the comparison page shows."""

    base: Run
    new: Run
    warnings: list[str]
    timings: list[TimingChange]
    functions: dict[str, list[FunctionChange]]
    measures: list[MeasureChange]
    graphs: list[DiffGraph] = field(default_factory=list)
    lines: dict[str, list[LineChange]] = field(default_factory=dict)

    def worst_slowdown(self) -> float:
        """The largest significant slowdown, as a fraction (0 if nothing got slower)."""
        return max((t.verdict.change or 0.0 for t in self.timings
                    if t.verdict.label == SLOWER), default=0.0)


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of the Mann-Whitney U test that the samples come from one population."""
    n1, n2 = len(a), len(b)
    if not n1 or not n2:
        return 1.0
    r1, ties = _rank_sum(a, b)
    u1 = r1 - n1 * (n1 + 1) / 2
    u = min(u1, n1 * n2 - u1)
    if n1 * n2 <= EXACT_LIMIT and all(t == 1 for t in ties):
        counts = _u_counts(n1, n2)
        p = 2 * sum(counts[: int(u) + 1]) / math.comb(n1 + n2, n1)
        return min(p, 1.0)
    mean = n1 * n2 / 2
    n = n1 + n2
    variance = n1 * n2 / 12 * ((n + 1) - sum(t ** 3 - t for t in ties) / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    z = (abs(u1 - mean) - 0.5) / math.sqrt(variance)  # with continuity correction
    return min(2 * (1 - statistics.NormalDist().cdf(max(z, 0.0))), 1.0)


def _rank_sum(a: Sequence[float], b: Sequence[float]) -> tuple[float, list[int]]:
    """Sum of the ranks of `a` among both samples (ties share their mean rank), tie sizes."""
    ranked = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    total, ties, i = 0.0, [], 0
    while i < len(ranked):
        j = i
        while j + 1 < len(ranked) and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        total += sum((i + j) / 2 + 1 for k in range(i, j + 1) if ranked[k][1] == 0)
        ties.append(j - i + 1)
        i = j + 1
    return total, ties


@functools.lru_cache(maxsize=64)
def _u_counts(n1: int, n2: int) -> tuple[int, ...]:
    """How many orderings of n1 + n2 distinct values give each U (U = 0 .. n1 * n2)."""
    # counts[m][k]: orderings with m of the first sample among the smallest, statistic k
    table: dict[tuple[int, int], tuple[int, ...]] = {(0, 0): (1,)}

    def counts(m: int, k: int) -> tuple[int, ...]:
        if (m, k) in table:
            return table[(m, k)]
        if m == 0 or k == 0:
            result = (1,) + (0,) * (m * k)
        else:
            # the largest value belongs to the first sample (adds k) or to the second
            with_first = (0,) * k + counts(m - 1, k)
            with_second = counts(m, k - 1) + (0,) * m
            result = tuple(x + y for x, y in zip(with_first, with_second))
        table[(m, k)] = result
        return result

    return counts(n1, n2)


def verdict(base: Sequence[float], new: Sequence[float]) -> Difference:
    """The shared verdict on two runs' samples, with the change of the median and p."""
    if not base or not new:
        return Difference(VerdictWord.ADDED if new else VerdictWord.REMOVED)
    change = statistics.median(new) / statistics.median(base) - 1 if statistics.median(base) \
        else 0.0
    shared = compare_samples(base, new)
    return Difference(shared.word, change, mann_whitney(base, new), shared.low, shared.high)


def compare(base: Run, new: Run) -> Comparison:
    """Every figure both runs have, side by side."""
    pairs = list(_pairs(base, new))
    return Comparison(
        base=base, new=new, warnings=warnings(base, new),
        timings=[t for b, n, name in pairs for t in _timings(b, n, name)],
        functions={name: functions(b, n) for b, n, name in pairs if b and n},
        measures=[m for b, n, name in pairs if b and n for m in measures(b, n, name)],
        graphs=[g for b, n, name in pairs if b and n for g in diff_graphs(b, n, name)],
        lines={name: line_changes(b, n) for b, n, name in pairs if b and n},
    )


def _pairs(base: Run, new: Run) -> Iterator[tuple[Optional[WorkloadResult],
                                                  Optional[WorkloadResult], str]]:
    old = {w.name: w for w in base.workloads}
    for workload in new.workloads:
        yield old.pop(workload.name, None), workload, workload.name
    for name, workload in old.items():
        yield workload, None, name


def warnings(base: Run, new: Run) -> list[str]:
    """Why the two runs may not be comparable."""
    found = []
    a, b = base.environment, new.environment
    if a.python != b.python or a.implementation != b.implementation:
        found.append(f"different Pythons: {a.implementation} and {b.implementation}")
    if a.platform != b.platform:
        found.append(f"different machines or systems: {a.platform} and {b.platform}")
    for name in sorted(set(a.packages) | set(b.packages)):
        if a.packages.get(name) != b.packages.get(name):
            found.append(f"{name} {a.packages.get(name, 'absent')} and "
                         f"{b.packages.get(name, 'absent')}")
    if not base.complete or not new.complete:
        found.append("a run was interrupted: its report is incomplete")
    for which, run in (("base", base), ("new", new)):
        for workload in run.workloads:
            for record in workload.profiled:
                if record.partial:
                    found.append(f"{which} {workload.name} · {record.name} is partial: "
                                 f"{record.partial_reason}")
    return found


def _timings(base: Optional[WorkloadResult], new: Optional[WorkloadResult],
             name: str) -> Iterator[TimingChange]:
    before = base.timing if base else None
    after = new.timing if new else None
    yield TimingChange(name, "whole script", "wall time", before, after,
                       verdict(before.samples if before else [], after.samples if after else []))
    cases: dict[tuple[str, str], list[Optional[CaseTiming]]] = {}
    for side, workload in enumerate((base, new)):
        if workload and workload.benchmark:
            for case in workload.benchmark.cases:
                cases.setdefault((case.variant, case.operation), [None, None])[side] = case
    for (variant, operation), pair in cases.items():
        b, n = _comparable(*pair)
        yield TimingChange(name, variant, operation, b, n,
                           verdict(b.samples if b else [], n.samples if n else []))


def _comparable(base: Optional[CaseTiming], new: Optional[CaseTiming]
                ) -> tuple[Optional[TimingStats], Optional[TimingStats]]:
    """Net times where both runs measured them (the timing loop left out), else as measured."""
    if base and new and base.net_stats and new.net_stats:
        return base.net_stats, new.net_stats
    return (base.stats if base else None), (new.stats if new else None)


def _key(function: str, file: str) -> tuple[str, str]:
    """Functions match across runs by name and file name: folders and lines may differ."""
    return function, os.path.basename(file)


def shared_profilers(base: WorkloadResult, new: WorkloadResult) -> list[str]:
    """The profilers both runs of a script were made with, in the new run's order (only these
    are imported: a comparison of cProfile runs loads neither memray nor pyinstrument)."""
    before = {r.profiler for r in base.profiled if r.profile is not None}
    return [r.profiler for r in new.profiled if r.profile is not None and r.profiler in before]


def functions(base: WorkloadResult, new: WorkloadResult, top: int = 15) -> list[FunctionChange]:
    """The functions whose own or cumulative time changed most, from the first profiler of
    both runs that has rows (cProfile's tables, for ours): rows of one profiler only, never
    call counts against times."""
    before: dict[tuple[str, str], FunctionStat] = {}
    after: dict[tuple[str, str], FunctionStat] = {}
    for profiler in shared_profilers(base, new):
        before, after = _function_rows(base, profiler), _function_rows(new, profiler)
        if before or after:
            break
    changes = [FunctionChange(k[0], (after.get(k) or before[k]).file,
                              (after.get(k) or before[k]).line, before.get(k), after.get(k))
               for k in {**before, **after}]
    changes.sort(key=lambda c: -max(abs(c.own_change), abs(c.cumulative_change)))
    return changes[:top]


def _function_rows(workload: WorkloadResult,
                   profiler: str) -> dict[tuple[str, str], FunctionStat]:
    """That profiler's per-function rows of the script, by name and file name."""
    record = workload.profiled_by(profiler)
    rows = PROFILERS[profiler].functions(record.profile) if record and record.profile else []
    return {_key(r.function, r.file): r for r in rows}


def line_changes(base: WorkloadResult, new: WorkloadResult, top: int = 12,
                 least: float = 0.005) -> list[LineChange]:
    """The lines whose CPU share or memory changed most, each change weighed as a share of
    its measure's whole (the larger peak or exit total of the two runs); changes under
    `least` of the whole are left out."""
    rows = [line_analysis.line_rows(w) for w in (base, new)]
    peak = max((sum(r.peak_bytes for r in side) for side in rows), default=0) or 1
    leaked = max((sum(r.exit_bytes for r in side) for side in rows), default=0) or 1
    found = []
    for before, after in line_analysis.matched(*rows):
        change = LineChange(before, after, 0.0)
        change.score = max(abs(change.time_change), abs(change.peak_change) / peak,
                           abs(change.exit_change) / leaked)
        if change.score >= least:
            found.append(change)
    return sorted(found, key=lambda c: -c.score)[:top]


def measures(base: WorkloadResult, new: WorkloadResult, name: str) -> list[MeasureChange]:
    """Memory and gc figures both runs measured."""
    found = []
    for profiler in shared_profilers(base, new):  # the figures each profiler names
        sides = [w.profiled_by(profiler) for w in (base, new)]
        if sides[0] and sides[0].profile and sides[1] and sides[1].profile:
            before_measures = PROFILERS[profiler].measures(sides[0].profile)
            after_measures = {m.label: m for m in PROFILERS[profiler].measures(sides[1].profile)}
            found += [MeasureChange(name, m.label, m.unit, m.value, after_measures[m.label].value)
                      for m in before_measures if m.label in after_measures]
    before, after = base.insights, new.insights
    if before and after:
        b, n = before, after
        for gen in range(3):
            found.append(MeasureChange(name, f"gc collections, generation {gen}", "count",
                                       b.generations[gen].collections,
                                       n.generations[gen].collections))
        found.append(MeasureChange(name, "objects the gc collected", "count",
                                   sum(g.collected for g in b.generations),
                                   sum(g.collected for g in n.generations)))
        found.append(MeasureChange(name, "peak resident set size", "bytes",
                                   b.max_rss_bytes, n.max_rss_bytes))
    if base.benchmark and new.benchmark:
        sizes = {m.variant: m.bytes_per_instance for m in base.benchmark.memory if m.supported}
        for m in new.benchmark.memory:
            if m.supported and m.variant in sizes:
                found.append(MeasureChange(name, f"bytes per {m.variant} instance", "bytes",
                                           sizes[m.variant], m.bytes_per_instance))
    return found


def diff_graphs(base: WorkloadResult, new: WorkloadResult, name: str) -> list[DiffGraph]:
    """The trees each profiler names (pyinstrument's CPU, memray's peak) of the new run
    against the base."""
    found = []
    for mode in shared_profilers(base, new):
        graph_name = PROFILERS[mode].diff_graph
        if not graph_name:
            continue
        graphs = [_graph(w, graph_name) for w in (base, new)]
        if all(graphs):
            deltas, gone = diff(graphs[0].tree, graphs[1].tree)  # type: ignore[union-attr]
            title = f"{graphs[1].title}: change against the base"  # type: ignore[union-attr]
            found.append(DiffGraph(name, FlameGraph(f"diff-{mode}", title,
                                                    graphs[1].unit,  # type: ignore[union-attr]
                                                    graphs[1].tree),  # type: ignore[union-attr]
                                   deltas, gone))
    return found


def _graph(workload: WorkloadResult, name: str) -> Optional[FlameGraph]:
    return next((g for r in workload.runs for g in r.graphs if g.name == name), None)


def diff(base: Frame, new: Frame) -> tuple[dict[int, float], list[tuple[str, float]]]:
    """Per frame of `new`, its value minus the matching base frame's; and the base frames with
    no match, biggest first. Children match by function and file name, in order."""
    deltas: dict[int, float] = {}
    gone: list[tuple[str, float]] = []
    pending: list[tuple[Optional[Frame], Frame]] = [(base, new)]
    while pending:
        old, frame = pending.pop()
        deltas[id(frame)] = frame.value - (old.value if old else 0.0)
        if old is None:
            deltas[id(frame)] = math.nan  # new in this run
            pending.extend((None, c) for c in frame.children)
            continue
        unmatched = list(old.children)
        for child in frame.children:
            match = next((c for c in unmatched
                          if _key(c.function, c.file) == _key(child.function, child.file)), None)
            if match is not None:
                unmatched.remove(match)
            pending.append((match, child))
        gone.extend((c.function, c.value) for c in unmatched)
    gone.sort(key=lambda g: -g[1])
    return deltas, gone[:20]
