"""The Memory management section's views: the gc's timeline, pymalloc's arenas and size
classes, live objects, and the script's declared scenarios side by side."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Optional

from reporter.analysis import pymalloc
from reporter.analysis.verdict import (Verdict, compare_samples)
from reporter.render.benchmark import instance_size_classes
from reporter.render.charts import (GcDot, gc_lanes, gc_timeline, is_series, line_chart,
                                    time_axis)
from reporter.render.terms import MEMORY_WORDS
from reporter.results import (MemoryInsights, PymallocStats, RunRecord, WorkloadResult)


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
