"""Stage three: the results model in, static HTML pages out.

One cached Jinja2 environment with autoescape on: everything from the data is text. Our CSS is
inlined by `include_file`, so a page opened from a file needs nothing else, and no network.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import sys
import sysconfig
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Optional

import jinja2
from markupsafe import Markup

from reporter.analysis import bench, pymalloc
from reporter.analysis.frames import prune, walk
from reporter.profilers import PROFILERS
from reporter.render.export import flame_data, pyperf_suite, speedscope
from reporter.render.views import benchmark_view, ratio_marks, scenario_rows, scenario_sentences
from reporter.results import (Benchmark, FlameGraph, Frame, GcCollection, MemoryPoint, Run,
                              WorkloadResult, write_atomic)

STATIC_TREE_FRACTION = 0.005
SPEEDSCOPE_DIR = "speedscope"
PYPERF_DIR = "pyperf"
STATUS_LABELS = {
    "ok": "ok", "error": "raised", "exit": "exit status", "crashed": "crashed",
    "timeout": "timed out", "not-run": "not run", "memory": "memory limit",
    "interrupted": "interrupted",
}


def render(run: Run, run_dir: Path) -> list[Path]:
    """Write index.html and one page per workload into `run_dir`; return the pages written."""
    env = environment()
    pages = {"index.html": env.get_template("index.html.j2").render(run=run)}
    python = run.environment.python.split()[0] if run.environment.python else ""
    for workload in run.workloads:
        suite = pyperf_name(workload) if workload.benchmark else None
        pages[page_name(workload)] = env.get_template("workload.html.j2").render(
            run=run, workload=workload, pyperf_link=suite)
        if workload.benchmark and suite:
            (run_dir / PYPERF_DIR).mkdir(exist_ok=True)
            pages[suite] = json.dumps(pyperf_suite(workload.benchmark, python))
    (run_dir / SPEEDSCOPE_DIR).mkdir(exist_ok=True)
    for workload in run.workloads:
        for key, graph in graphs_of(workload):
            pages[speedscope_name(workload, key)] = json.dumps(
                speedscope(graph, f"{workload.name}: {graph.title}"), separators=(",", ":"))
    written = []
    for name, text in pages.items():
        write_atomic(run_dir / name, text)
        written.append(run_dir / name)
    return written


def render_comparison(comparison: Any, path: Path) -> Path:
    """Write the comparison page of two runs to `path`."""
    html = environment().get_template("compare.html.j2").render(
        run=comparison.new, c=comparison)
    write_atomic(path, html)
    return path


def page_name(workload: WorkloadResult) -> str:
    """A file name for a workload's page that is safe on every file system."""
    return _safe(workload.name) + ".html"


def graphs_of(workload: WorkloadResult) -> list[tuple[str, FlameGraph]]:
    """Every flame graph a workload's page shows, each with a key unique on the page."""
    found = [(graph.name, graph) for record in workload.runs for graph in record.graphs]
    for i, function in enumerate(workload.decorated, 1):
        if function.profile:
            found += [(decorated_key(i, function.name), g) for g in function.profile.graphs]
    return found


def decorated_key(index: int, name: str) -> str:
    """The page key of a decorated function's graph."""
    return f"decorated-{index}-{_safe(name)}"


def speedscope_name(workload: WorkloadResult, key: str) -> str:
    """Where a graph's speedscope export goes, relative to the report folder."""
    return f"{SPEEDSCOPE_DIR}/{_safe(workload.name)}.{_safe(key)}.speedscope.json"


def pyperf_name(workload: WorkloadResult) -> str:
    """Where a benchmark's pyperf suite goes, relative to the report folder."""
    return f"{PYPERF_DIR}/{_safe(workload.name)}.pyperf.json"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment, with our filters and globals."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reporter.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(seconds=seconds, size=size, ratio=ratio,
                       short_path=short_path, where=where)
    env.globals.update(include_file=include_file, page_name=page_name, tree_rows=tree_rows,
                       percent=percent, flame_data=flame_data, static_tree=static_tree,
                       speedscope_name=speedscope_name, memory_chart=memory_chart,
                       decorated_key=decorated_key,
                       bench=bench, bars=bars, pymalloc=pymalloc, lines=lines,
                       gc_timeline=gc_timeline, is_series=is_series,
                       scenario_rows=scenario_rows, scenario_sentences=scenario_sentences,
                       benchmark_view=benchmark_view, ratio_marks=ratio_marks,
                       profilers=list(PROFILERS), status_labels=STATUS_LABELS)
    return env


def include_file(name: str) -> Markup:
    """Our own static file, inlined verbatim (it is ours, not data)."""
    return Markup(resources.files("reporter.render").joinpath("static", name)
                  .read_text(encoding="utf-8"))


def seconds(value: Optional[float]) -> str:
    """A duration with a unit a person reads at a glance."""
    if value is None:
        return "–"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    if value >= 1e-6:
        return f"{value * 1e6:.1f} µs"
    return f"{value * 1e9:.1f} ns"


def size(value: Optional[float]) -> str:
    """Bytes in binary units."""
    if value is None:
        return "–"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def ratio(value: Optional[float]) -> str:
    """A factor such as an overhead."""
    return "–" if value is None else f"{value:.2f}×"


def percent(part: float, whole: float) -> str:
    """`part` as a share of `whole`."""
    return f"{100 * part / whole:.1f}%" if whole else "–"


def short_path(path: str) -> str:
    """A file path without the parts that only say where Python is installed."""
    if not path or path.startswith("<"):
        return path
    cwd = os.getcwd() + os.sep
    if path.startswith(cwd):
        return path[len(cwd):]
    for marker in ("site-packages" + os.sep, "dist-packages" + os.sep):
        if marker in path:
            return path.split(marker, 1)[1]
    stdlib = sysconfig.get_paths()["stdlib"] + os.sep
    if path.startswith(stdlib):
        return "<stdlib>/" + path[len(stdlib):]
    if path.startswith(sys.prefix + os.sep):
        return path[len(sys.prefix) + 1:]
    return path


def where(frame: Any) -> str:
    """`file:line` of a frame or function row, or "built-in" where there is no file."""
    if not frame.file:
        return "built-in"
    return f"{short_path(frame.file)}:{frame.line}" if frame.line else short_path(frame.file)


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


PALETTE = ("#1565c0", "#e0793a", "#2e7d32", "#8e24aa", "#c62828", "#5d6470")


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
