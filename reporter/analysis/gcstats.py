"""Pure functions over what the child recorded of the gc and of live objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from reporter.results import GcCollection, GcGeneration, TypeCount

GENERATIONS = 3  # up to 3.13; the child records how many its interpreter has


def collections(events: Sequence[Sequence[float]]) -> list[GcCollection]:
    """The callback's [start, duration, generation, collected, uncollectable] rows, typed."""
    found = []
    for event in events:
        start, duration, generation, collected, uncollectable = event
        found.append(GcCollection(float(start), float(duration), int(generation),
                                  int(collected), int(uncollectable)))
    return found


def generations(events: Sequence[GcCollection], threshold: Sequence[int],
                count: int = GENERATIONS) -> list[GcGeneration]:
    """Totals per generation: collections, objects collected and uncollectable, time inside."""
    rows = []
    for gen in range(count):
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


def thin(points: Sequence[GcCollection], buckets: int = 120) -> list[GcCollection]:
    """Collections merged per generation into `buckets` equal slices of time, for drawing.

    A dot per slice and generation is all a chart can show, and it keeps the results the same
    size however long the script ran; each merged dot keeps its count, its summed pause and
    objects, and the start of its first collection.
    """
    span = max((p.start_s for p in points), default=0.0) or 1.0
    merged: dict[tuple[int, int], GcCollection] = {}
    for point in points:
        slot = (point.generation, min(int(point.start_s / span * buckets), buckets - 1))
        known = merged.get(slot)
        merged[slot] = point if known is None else replace(
            known, duration_s=known.duration_s + point.duration_s,
            collected=known.collected + point.collected,
            uncollectable=known.uncollectable + point.uncollectable,
            count=known.count + point.count)
    return sorted((replace(p, start_s=round(p.start_s, 4), duration_s=round(p.duration_s, 7))
                   for p in merged.values()), key=lambda p: (p.start_s, p.generation))


def describe_collector(version: Sequence[int], threshold: Sequence[int], enabled: bool) -> str:
    """What the gc of the interpreter that ran the script does, with its own thresholds.

    Read from the running interpreter, never a textbook table: 3.13 raised the first
    threshold from 700 to 2000, and 3.14 made the collector incremental.
    """
    state = "enabled" if enabled else "disabled (gc.disable()), so only explicit gc.collect() ran"
    python = ".".join(str(v) for v in version[:2]) or "this Python"
    if not threshold:
        return f"The gc was {state}; its thresholds were not recorded."
    if tuple(version[:2]) >= (3, 14):
        return (f"The gc of Python {python} was {state}. Its collector is incremental: "
                f"gc.get_threshold() gives {' / '.join(map(str, threshold))}, and a young "
                f"collection also scans a slice of the old objects, so the generational rules "
                f"of earlier versions do not apply; the table shows what gc.get_stats() counts.")
    first, *older = threshold
    rules = [f"a generation-0 collection runs when allocations minus deallocations of tracked "
             f"objects exceed {first:,}"]
    for gen, times in enumerate(older, 1):
        rules.append(f"generation {gen} after {times} collections of generation {gen - 1}")
    return (f"The gc of Python {python} was {state}, with thresholds "
            f"{' / '.join(map(str, threshold))} (read from the interpreter): "
            + "; ".join(rules)
            + ". A full collection also waits until the objects that survived since the last "
              "one exceed a quarter of those already in the oldest generation.")
