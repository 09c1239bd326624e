"""Chart and tree geometry for the templates: computed here, laid out there."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, Optional, TypedDict

from reporter.analysis import bench
from reporter.analysis.frames import prune, walk
from reporter.render.format import count, seconds, size
from reporter.results import Benchmark, Frame, GcCollection, MemoryPoint

STATIC_TREE_FRACTION = 0.005
PALETTE = ("#1565c0", "#e0793a", "#2e7d32", "#8e24aa", "#c62828", "#5d6470")
# A bar before its geometry: label, value, whisker's low and high ends, whether undecided.
BarRow = tuple[str, float, Optional[float], Optional[float], bool]
Point = tuple[float, float]


class GcDot(TypedDict):
    """One dot of the collections' timeline."""

    x: float
    y: int
    r: float
    generation: int
    title: str


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


def bars(result: Benchmark, operation: Optional[str] = None,
         width: int = 380) -> list[dict[str, Any]]:
    """Bar geometry for one operation's timings (median, IQR whisker) or, without an
    operation, for bytes per instance."""
    rows: list[BarRow]
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


def line_chart(series: dict[str, list[Any]], width: int = 640, height: int = 150, *,
               x_unit: str = "", y_unit: str = "", hover: int = 100,
               stacked: bool = False) -> dict[str, Any]:
    """A line chart of several series on shared axes; points are values or [x, value] pairs.

    Gives the polylines, ticks on both axes with their labels in the series' units, and up to
    `hover` columns whose titles give every series' value there (what a hover shows).
    `stacked` fills each series down to the axis, in order: give cumulative series, the
    largest first, and each band shows one part.
    """
    def pairs(values: list[Any]) -> list[Point]:
        return [(float(v[0]), float(v[1])) if isinstance(v, (list, tuple)) else (float(i), float(v))
                for i, v in enumerate(values)]

    data = {name: pairs(values) for name, values in series.items() if values}
    points = [p for values in data.values() for p in values]
    if not points:
        return {}
    right = max(x for x, _ in points) or 1.0
    top = max(y for _, y in points) or 1.0

    def xy(x: float, y: float) -> tuple[float, float]:
        return round(width * x / right, 1), round(height * (1 - y / top), 1)

    return {
        "width": width, "height": height, "right": right, "top": top, "stacked": stacked,
        "x_ticks": [_tick(xy(t, 0)[0], label_of(t, x_unit), width)
                    for t in nice_ticks(right, x_unit)],
        "y_ticks": [{"at": xy(0, t)[1], "label": label_of(t, y_unit)}
                    for t in nice_ticks(top, y_unit)],
        "lines": [{"name": name, "colour": PALETTE[i % len(PALETTE)],
                   "points": " ".join(f"{px},{py}" for px, py in (xy(x, y) for x, y in values))}
                  for i, (name, values) in enumerate(data.items())],
        "columns": _hover_columns(data, right, width, (x_unit, y_unit), hover),
    }


def _hover_columns(data: dict[str, list[Point]], right: float, width: int,
                   units: tuple[str, str], most: int) -> list[dict[str, Any]]:
    """Up to `most` columns across a chart, each titled with every series' nearest value."""
    columns = []
    count_ = max(min(most, max(len(v) for v in data.values())), 1)
    step = right / count_
    for i in range(count_):
        at = (i + 0.5) * step
        values = [(name, _nearest(v, at)) for name, v in data.items()]
        label = ", ".join(f"{name} {label_of(p[1], units[1])}" for name, p in values)
        columns.append({"x": round(width * i * step / right, 1),
                        "w": round(width * step / right, 1),
                        "title": f"at {label_of(at, units[0])}: {label}"})
    return columns


def _nearest(points: list[Point], x: float) -> Point:
    """The first of the points nearest to `x` along the x axis."""
    return min(points, key=lambda p: abs(p[0] - x))


def memory_chart(points: list[MemoryPoint], width: int = 800,
                 height: int = 180) -> dict[str, Any]:
    """Memory over time: RSS and heap lines on real axes, and the heap's peak marked with its
    label kept inside the chart."""
    chart = line_chart({"resident set size": [[p.time_s, p.rss_bytes] for p in points],
                        "heap in use": [[p.time_s, p.heap_bytes] for p in points]},
                       width, height, x_unit="seconds", y_unit="bytes")
    if not chart:
        return {}
    peak = max(points, key=lambda p: p.heap_bytes)
    x = round(width * peak.time_s / chart["right"], 1)
    y = round(height * (1 - peak.heap_bytes / chart["top"]), 1)
    left = x > width * 0.6  # a label near the right edge goes on the left of its dot
    chart["peak"] = {"x": x, "y": y, "time": peak.time_s, "heap": peak.heap_bytes,
                     "label_x": x - 8 if left else x + 8, "anchor": "end" if left else "start",
                     "label_y": max(y + 4, 12)}
    return chart


def nice_ticks(top: float, unit: str = "", most: int = 5) -> list[float]:
    """Round values from 0 up to `top` for an axis: steps of 1, 2 or 5 times a power of ten
    (of 1024 for bytes, so a label reads 8.0 MiB, not 7.6 MiB)."""
    if top <= 0:
        return [0.0]
    base = 1024 ** max(int(math.log(top, 1024)), 0) if unit == "bytes" else 1.0
    raw = top / base / most
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw) * base
    return [i * step for i in range(int(top / step + 1e-9) + 1)]  # 1 // 0.2 is 4.0


def label_of(value: float, unit: str) -> str:
    """An axis or hover label in the unit of its series."""
    if unit == "seconds":
        return seconds(value)
    if unit == "bytes":
        return size(value)
    return count(value)


def gc_timeline(events: list[GcCollection], duration: float,
                width: int = 640) -> list[GcDot]:
    """Dots for collections: x for when, a lane per generation, area for objects collected."""
    duration = max(duration, max((e.start_s for e in events), default=0.0), 1e-9)
    return [{"x": round(width * e.start_s / duration, 1), "y": 14 + 22 * e.generation,
             "r": round(min(2 + math.log10(1 + e.collected) * 1.5, 9), 1),
             "generation": e.generation, "title": _gc_dot_title(e)} for e in events]


def time_axis(duration: float, width: int = 640) -> list[dict[str, Any]]:
    """Ticks for a time axis from 0 to `duration` seconds, `width` pixels wide."""
    duration = max(duration, 1e-9)
    return [_tick(round(width * t / duration, 1), seconds(t), width)
            for t in nice_ticks(duration, "seconds")]


TICK_HALF_WIDTH = 30  # pixels: about half of the widest label, "500.0 ms"


def _tick(at: float, label: str, width: int) -> dict[str, Any]:
    """A tick of a horizontal axis; its label ends at the tick near the right edge, so it is
    never cut off there."""
    return {"at": at, "label": label,
            "anchor": "end" if at > width - TICK_HALF_WIDTH else "middle"}


def _gc_dot_title(event: GcCollection) -> str:
    """What a dot stands for, on hover."""
    what = "1 collection" if event.count == 1 else f"{event.count:,} collections"
    return (f"generation {event.generation}: {what} from {seconds(event.start_s)}, "
            f"{event.collected:,} objects freed, {seconds(event.duration_s)} inside "
            f"the gc")


BAR_ROW = 20  # pixels per bar or ratio row
BAR_LEFT = 120  # the labels' column, left of the bars


def bar_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """`bars` placed in their chart: each row's y, its whisker's ends and where its value
    is written, and the chart's height."""
    placed = []
    for i, row in enumerate(rows):
        top = BAR_ROW * i + 2
        placed.append({**row, "text_y": top + 12, "rect_y": top + 2, "whisker_y": top + 8,
                       "low_x": None if row["low"] is None else BAR_LEFT + row["low"],
                       "high_x": None if row["high"] is None else BAR_LEFT + row["high"],
                       "value_x": BAR_LEFT + 8 + max(row["width"], row["high"] or 0)})
    return {"rows": placed, "height": BAR_ROW * len(rows) + 4, "left": BAR_LEFT}


GC_LANE = 22  # pixels between the generations' lanes of the collections' timeline


def gc_lanes(generations: int) -> list[dict[str, int]]:
    """The collections' timeline's lanes, one per generation: its label's and its axis's y."""
    return [{"generation": gen, "label_y": 18 + GC_LANE * gen, "axis_y": 14 + GC_LANE * gen}
            for gen in range(generations)]


HISTOGRAM_WIDTH = 300


def histogram_rows(bins: list[Any]) -> list[dict[str, Any]]:
    """The sizes histogram's bars: each bin with its bar's width against the fullest bin."""
    most = max((b.allocations for b in bins), default=0)
    return [{"bin": b, "width": round(HISTOGRAM_WIDTH * b.allocations / most, 1) if most else 0}
            for b in bins]
