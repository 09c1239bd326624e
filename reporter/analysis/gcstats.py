"""Pure functions over what the child recorded of the gc and of live objects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reporter.results import GcCollection, GcGeneration, TypeCount

GENERATIONS = 3


def collections(events: Sequence[Sequence[float]]) -> list[GcCollection]:
    """The callback's [start, duration, generation, collected, uncollectable] rows, typed."""
    found = []
    for event in events:
        start, duration, generation, collected, uncollectable = event
        found.append(GcCollection(float(start), float(duration), int(generation),
                                  int(collected), int(uncollectable)))
    return found


def generations(events: Sequence[GcCollection], threshold: Sequence[int]) -> list[GcGeneration]:
    """Totals per generation: collections, objects collected and uncollectable, time inside."""
    rows = []
    for gen in range(GENERATIONS):
        mine = [e for e in events if e.generation == gen]
        rows.append(GcGeneration(
            generation=gen,
            threshold=int(threshold[gen]) if gen < len(threshold) else 0,
            collections=len(mine),
            collected=sum(e.collected for e in mine),
            uncollectable=sum(e.uncollectable for e in mine),
            time_s=sum(e.duration_s for e in mine),
        ))
    return rows


def type_growth(before: dict[str, Any], after: dict[str, Any], top: int = 20) -> list[TypeCount]:
    """The types whose live count grew most, then the most numerous ones left."""
    rows = [TypeCount(str(name), int(before.get(name, 0)), int(count))
            for name, count in after.items()]
    rows.sort(key=lambda r: (-(r.after - r.before), -r.after))
    return rows[:top]


def thin(points: Sequence[GcCollection], most: int) -> list[GcCollection]:
    """At most `most` collections for drawing, keeping every older-generation one."""
    if len(points) <= most:
        return list(points)
    old = [p for p in points if p.generation > 0]
    young = [p for p in points if p.generation == 0]
    step = max(len(young) // max(most - len(old), 1), 1)
    return sorted(old + young[::step], key=lambda p: p.start_s)[:most]
