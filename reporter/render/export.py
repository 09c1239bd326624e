"""Trees in the shapes other programs read: our flame graph's compact JSON, and speedscope's."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any, Optional

from reporter.analysis.frames import stacks, walk
from reporter.results import Benchmark, FlameGraph

SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"
SPEEDSCOPE_UNITS = {"seconds": "seconds", "bytes": "bytes", "allocations": "none"}


def flame_data(graph: FlameGraph, deltas: Optional[dict[int, float]] = None,
               path: Callable[[str], str] = str) -> dict[str, Any]:
    """The tree in preorder as [name, file, line, value, self, depth] rows over a string table,
    each file written by `path` (the page gives the same short paths as its tables).

    With `deltas` (a comparison), each row also carries the frame's change against the base,
    null for a frame the base did not have.
    """
    strings: dict[str, int] = {}

    def index(text: str) -> int:
        return strings.setdefault(text, len(strings))

    # Siblings that differ only by line (two lines of one `<module>`) are told apart by it.
    by_line: set[int] = set()
    for _, f in walk(graph.tree):
        seen = Counter((c.function, c.file) for c in f.children)
        by_line.update(id(c) for c in f.children if seen[(c.function, c.file)] > 1)
    nodes = []
    for depth, f in walk(graph.tree):
        name = f"{f.function}:{f.line}" if id(f) in by_line else f.function
        row: list[Any] = [index(name), index(path(f.file)), f.line, _round(f.value),
                          _round(f.self_value), depth]
        if deltas is not None:
            change = deltas.get(id(f), math.nan)
            row.append(None if math.isnan(change) else _round(change))
        nodes.append(row)
    return {"unit": graph.unit, "strings": list(strings), "nodes": nodes,
            "diff": deltas is not None}


def speedscope(graph: FlameGraph, name: str) -> dict[str, Any]:
    """The tree as a speedscope "sampled" profile: one weighted sample per stack with self value."""
    frames: dict[tuple[str, str, int], int] = {}
    samples, weights = [], []
    for path, weight in stacks(graph.tree):
        samples.append([frames.setdefault((f.function, f.file, f.line), len(frames))
                        for f in path])
        weights.append(weight)
    return {
        "$schema": SPEEDSCOPE_SCHEMA,
        "name": name,
        "exporter": "reporter",
        "activeProfileIndex": 0,
        "shared": {"frames": [{"name": fn, "file": file, "line": line} if file else {"name": fn}
                              for fn, file, line in frames]},
        "profiles": [{
            "type": "sampled",
            "name": graph.title,
            "unit": SPEEDSCOPE_UNITS.get(graph.unit, "none"),
            "startValue": 0,
            "endValue": graph.tree.value,
            "samples": samples,
            "weights": weights,
        }],
    }


def pyperf_suite(result: Benchmark, python: str) -> dict[str, Any]:
    """The benchmark's values as a pyperf suite (format 1.0): one benchmark per case and per
    operation's empty loop, one pyperf run per timing process, values in seconds per statement
    (pyperf's `inner_loops` is how many times the statement was written in the loop)."""
    benchmarks = []
    for case in result.cases:
        if not case.values_s:
            continue
        benchmarks.append(_pyperf_benchmark(f"{case.variant}: {case.operation}", case.values_s,
                                            case.runs, case.loops, case.unroll))
    return {"version": "1.0",
            "metadata": {"unit": "second", "python_version": python,
                         "description": "reporter: variants timed side by side in rounds"},
            "benchmarks": benchmarks}


def _pyperf_benchmark(name: str, values: list[float], runs: list[int], loops: int,
                      unroll: int) -> dict[str, Any]:
    runs = runs if sum(runs) == len(values) and all(runs) else [len(values)]
    split, start = [], 0
    for count in runs:
        split.append({"values": values[start:start + count]})
        start += count
    return {"metadata": {"name": name, "loops": max(loops, 1), "inner_loops": max(unroll, 1)},
            "runs": split}


def _round(value: float) -> float:
    """Six significant digits: a tenth of the page size, no visible difference."""
    return float(f"{value:.6g}")
