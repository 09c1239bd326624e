"""cProfile: deterministic call counts and times, saved as a `.prof` that snakeviz opens."""

from __future__ import annotations

import cProfile
import pstats
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from reporter.analysis import frames
from reporter.errors import ArtifactError
from reporter.harness import PstatsKey, harness_keys
from reporter.profilers.base import register
from reporter.results import CProfileSummary, FlameGraph, Frame, FunctionStat

PstatsValue = tuple[int, int, float, float, dict[PstatsKey, Any]]
MAX_TREE_FRAMES = 50_000


class CProfileProfiler:
    """Deterministic profiling with the standard library's cProfile."""

    name: ClassVar[str] = "cprofile"
    suffix: ClassVar[str] = ".prof"
    top: int = 25

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Profile the block; the `.prof` is written even when the block raises."""
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            profile.dump_stats(artifact)

    def summarize(self, artifact: Path) -> CProfileSummary:
        """Read the `.prof` with pstats and rank the script's functions."""
        try:
            stats = pstats.Stats(str(artifact)).stats  # type: ignore[attr-defined]
        except (OSError, EOFError, ValueError, TypeError, AttributeError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable pstats file ({exc})") from exc
        return summarize_stats(stats, self.top)


def summarize_stats(stats: dict[PstatsKey, PstatsValue], top: int) -> CProfileSummary:
    """Rank functions by cumulative and by own time, leaving out the harness that ran the script."""
    harness = harness_keys(stats)
    rows = [_row(k, v) for k, v in stats.items() if k not in harness]
    tree = call_tree(stats, harness)
    return CProfileSummary(
        total_calls=sum(r.calls for r in rows),
        primitive_calls=sum(r.primitive_calls for r in rows),
        total_s=sum(r.own_s for r in rows),
        by_cumulative=sorted(rows, key=lambda r: (-r.cumulative_s, -r.own_s))[:top],
        by_own=sorted(rows, key=lambda r: (-r.own_s, -r.cumulative_s))[:top],
        graphs=[FlameGraph(
            name="cpu-cprofile", title="CPU time, rebuilt from cProfile's call edges",
            unit="seconds", tree=tree, approximate=True,
            note="Approximate: cProfile keeps caller→callee totals, not stacks. Where a function "
                 "has several callers, its callees' time is shared out in proportion to each "
                 "caller's share, which can be wrong. pyinstrument's graph shows real stacks.",
        )],
    )


def call_tree(stats: dict[PstatsKey, PstatsValue], harness: set[PstatsKey],
              min_fraction: float = 1e-4) -> Frame:
    """Rebuild a call tree from caller→callee edges, as snakeviz does.

    Each function's callees are scaled by the share of its time that reached it along this
    path, so a subtree never claims more than its parent; recursion stops at a function that is
    already on the path; edges under `min_fraction` of the whole are left out.
    """
    graph = _CallGraph(stats, harness)
    entries = graph.entries()
    root = Frame("<script>", "", 0, sum(entries.values()), 0.0)
    floor = root.value * min_fraction
    pending = [(_attach(root, key, value), (key,)) for key, value in entries.items()]
    budget = MAX_TREE_FRAMES
    while pending and budget > 0:
        frame, path = pending.pop()
        if len(path) >= frames.MAX_DEPTH:
            continue  # deeper calls stay in this frame's own time
        children = graph.callees_under(frame, path, floor)
        pending.extend((_attach(frame, callee, value), (*path, callee))
                       for callee, value in children)
        budget -= len(children)
    return root


class _CallGraph:
    """pstats' caller→callee edges, looked at from the caller's side."""

    def __init__(self, stats: dict[PstatsKey, PstatsValue], harness: set[PstatsKey]):
        self.stats = stats
        self.harness = harness
        self.callees: dict[PstatsKey, dict[PstatsKey, tuple[Any, ...]]] = defaultdict(dict)
        for callee, (*_, callers) in stats.items():
            for caller, edge in callers.items():
                self.callees[caller][callee] = edge

    def entries(self) -> dict[PstatsKey, float]:
        """The script's entry points with their time: what the harness called, or nothing did.

        The harness runs the script through the C function exec, which the script's own
        imports call too; it is looked through, its callees taking its share of the time.
        """
        entries: dict[PstatsKey, float] = defaultdict(float)
        for key, (*_, cumulative, callers) in self.stats.items():
            if key in self.harness:
                continue
            from_harness = sum(edge[3] for c, edge in callers.items() if c in self.harness)
            if callers and not from_harness:
                continue
            value = from_harness if callers else cumulative
            if key[0] == "~" and self.callees[key] and cumulative:
                for callee, edge in self.callees[key].items():
                    entries[callee] += edge[3] * value / cumulative
            else:
                entries[key] += value
        return entries

    def callees_under(self, frame: Frame, path: tuple[PstatsKey, ...],
                      floor: float) -> list[tuple[PstatsKey, float]]:
        """The callees to draw under `frame`, scaled to fit in it; sets the frame's self time."""
        cumulative = self.stats[path[-1]][3]
        share = frame.value / cumulative if cumulative else 0.0
        edges = [(callee, edge[3] * share) for callee, edge in self.callees[path[-1]].items()
                 if callee not in path and callee not in self.harness]
        edges = [(callee, value) for callee, value in edges if value >= floor]
        spent = sum(value for _, value in edges)
        scale = frame.value / spent if spent > frame.value else 1.0
        frame.self_value = max(frame.value - spent * scale, 0.0)
        return [(callee, value * scale) for callee, value in edges]


def _attach(parent: Frame, key: PstatsKey, value: float) -> Frame:
    file, line, function = key
    child = Frame(function, "" if file == "~" else file, line, value, value)
    parent.children.append(child)
    return child


def _row(k: PstatsKey, v: PstatsValue) -> FunctionStat:
    file, line, function = k
    primitive, calls, own, cumulative, _ = v
    return FunctionStat(
        function=function,
        file="" if file == "~" else file,
        line=line,
        calls=calls,
        primitive_calls=primitive,
        own_s=own,
        cumulative_s=cumulative,
    )


register(CProfileProfiler())
