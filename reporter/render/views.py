"""View models: what a section shows, computed in Python so that templates only lay it out.

Each function takes the results model and returns plain rows and sentences; each is tested on
its own (tests/unit/test_views.py).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Optional

from reporter.analysis.verdict import Verdict, compare_samples
from reporter.results import MemoryInsights, RunRecord, WorkloadResult


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
