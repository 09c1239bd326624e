"""Chart and tree geometry for the templates: computed here, laid out there."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Optional

from reporter.analysis import bench
from reporter.analysis.frames import prune, walk
from reporter.render.format import seconds
from reporter.results import Benchmark, Frame, GcCollection, MemoryPoint

STATIC_TREE_FRACTION = 0.005
PALETTE = ("#1565c0", "#e0793a", "#2e7d32", "#8e24aa", "#c62828", "#5d6470")


def tree_rows(tree: Frame) -> Iterator[tuple[str, Optional[Frame]]]:
    """A call tree as flat ("open", frame) / ("leaf", frame) / ("close", None) steps.

    The template nests <details> from these without recursion, so a deep tree cannot exhaust
    Python's stack while rendering.
    """
    depth_stack: list[int] = []
    for depth, frame in walk(tree):
        while depth_stack and depth_stack[-1] >= depth:
            depth_stack.pop()
            yield "close", None
        if frame.children:
            depth_stack.append(depth)
            yield "open", frame
        else:
            yield "leaf", frame
    for _ in depth_stack:
        yield "close", None


def static_tree(tree: Frame) -> Frame:
    """The coarser tree shown as text beside a flame graph (and instead of it without JS)."""
    return prune(tree, STATIC_TREE_FRACTION)


def memory_chart(points: list[MemoryPoint], width: int = 800,
                 height: int = 180) -> dict[str, Any]:
    """SVG coordinates for memory over time: RSS and heap lines, and the heap's peak marked."""
    if not points:
        return {}
    duration = max(points[-1].time_s, 1e-9)
    top = max(max(p.rss_bytes for p in points), max(p.heap_bytes for p in points), 1)

    def xy(time_s: float, value: int) -> tuple[float, float]:
        return round(width * time_s / duration, 1), round(height * (1 - value / top), 1)

    def line(values: list[tuple[float, int]]) -> str:
        return " ".join(f"{x},{y}" for x, y in (xy(t, v) for t, v in values))

    peak = max(points, key=lambda p: p.heap_bytes)
    px, py = xy(peak.time_s, peak.heap_bytes)
    return {
        "width": width, "height": height, "duration": duration, "top": top,
        "rss": line([(p.time_s, p.rss_bytes) for p in points]),
        "heap": line([(p.time_s, p.heap_bytes) for p in points]),
        "peak": {"x": px, "y": py, "time": peak.time_s, "heap": peak.heap_bytes},
    }


def bars(result: Benchmark, operation: Optional[str] = None,
         width: int = 380) -> list[dict[str, Any]]:
    """Bar geometry for one operation's timings (median, IQR whisker) or, without an
    operation, for bytes per instance."""
    if operation is None:
        rows = [(m.variant, m.bytes_per_instance, None, None, False)
                for m in result.memory if m.supported]
    else:
        rows = []
        for timing in result.cases:
            stats = timing.net_stats or timing.stats  # net of the loop, where measured so
            if timing.operation == operation and stats is not None:
                q1, q3 = stats.quartiles
                found = bench.verdict(result, timing)
                undecided = found is not None and not found.decided \
                    and timing.variant != bench.variants(result)[0]
                rows.append((timing.variant, stats.median, max(q1, 0.0), q3, undecided))
    top = max((r[3] or r[1] for r in rows), default=0) or 1
    return [{"label": label, "value": value, "wide": flag,
             "width": round(width * value / top, 1),
             "low": None if low is None else round(width * low / top, 1),
             "high": None if high is None else round(width * high / top, 1)}
            for label, value, low, high, flag in rows]


def is_series(value: Any) -> bool:
    """A list of numbers (a chart), or a dict of such lists (several lines)."""
    def numbers(v: Any) -> bool:
        return isinstance(v, list) and len(v) > 1 and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
    return numbers(value) or (isinstance(value, dict) and bool(value)
                              and all(numbers(v) for v in value.values()))


def lines(series: dict[str, list[Any]], width: int = 640, height: int = 150) -> dict[str, Any]:
    """Polylines for several series on shared axes; points are values or [x, value] pairs."""
    def pairs(values: list[Any]) -> list[tuple[float, float]]:
        return [(float(v[0]), float(v[1])) if isinstance(v, (list, tuple)) else (float(i), float(v))
                for i, v in enumerate(values)]

    data = {name: pairs(values) for name, values in series.items() if values}
    points = [p for values in data.values() for p in values]
    if not points:
        return {}
    right = max(x for x, _ in points) or 1.0
    top = max(y for _, y in points) or 1.0
    return {
        "width": width, "height": height, "right": right, "top": top,
        "lines": [{"name": name, "colour": PALETTE[i % len(PALETTE)],
                   "points": " ".join(f"{width * x / right:.1f},{height * (1 - y / top):.1f}"
                                      for x, y in values)}
                  for i, (name, values) in enumerate(data.items())],
    }


def gc_timeline(events: list[GcCollection], duration: float,
                width: int = 640) -> list[dict[str, float]]:
    """Dots for collections: x for when, a lane per generation, area for objects collected."""
    duration = max(duration, max((e.start_s for e in events), default=0.0), 1e-9)
    return [{"x": round(width * e.start_s / duration, 1), "y": 14 + 22 * e.generation,
             "r": round(min(2 + math.log10(1 + e.collected) * 1.5, 9), 1),
             "generation": e.generation, "title": _gc_dot_title(e)} for e in events]


def _gc_dot_title(event: GcCollection) -> str:
    """What a dot stands for, on hover."""
    what = "1 collection" if event.count == 1 else f"{event.count:,} collections"
    return (f"generation {event.generation}: {what} from {seconds(event.start_s)}, "
            f"{event.collected:,} objects freed, {seconds(event.duration_s)} inside "
            f"the gc")
