"""cProfile: deterministic call counts and times, saved as a `.prof` that snakeviz opens."""

from __future__ import annotations

import functools
import gc
import marshal
import pstats
import types
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from reporter.analysis import frames, names
from reporter.errors import ArtifactError
from reporter.harness import (DECORATOR_OWN, PstatsKey, harness_keys, is_decorator,
                              is_import_machinery, runs_the_script)
from reporter.profilers.base import BaseProfiler, register
from reporter.profilers.pieces import Pieces
from reporter.run import handoff
from reporter.results import CProfileSummary, FlameGraph, Frame, FunctionStat
from reporter.vocabulary import GraphKind

PstatsValue = tuple[int, int, float, float, dict[PstatsKey, Any]]
MAX_TREE_FRAMES = 50_000


class CProfileProfiler(BaseProfiler):
    """Deterministic profiling with the standard library's cProfile."""

    name: ClassVar[str] = "cprofile"
    suffix: ClassVar[str] = ".prof"
    limit_factor: ClassVar[float] = 4.0  # the homework scripts here: up to 1.7x
    summary: ClassVar[type] = CProfileSummary
    scope: ClassVar[str] = ("the main thread of the main process (before 3.12; since 3.12 "
                            "every thread of it, all in one profile)")
    template: ClassVar[str] = "cprofile.html.j2"

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Profile the block; the `.prof` is written even when the block raises.

        It is written from `getstats()`, keyed by qualified name: pstats keys by (file, first
        line, co_name), so two dataclasses' `__init__` (both `<string>`, line 2) would
        overwrite each other. The file is still pstats' format: snakeviz opens it. Where the
        script's own cProfile held the hook (up to 3.11), what it measured is merged in.
        """
        pieces = Pieces()
        pieces.begin(None)
        try:
            with handoff.sitting(pieces) if handoff.LEGACY_CPROFILE else nullcontext():
                yield
        finally:
            pieces.end()
            with open(artifact, "wb") as out:
                marshal.dump(pieces.stats(functools.partial(
                    pstats_of, functions=live_function_names())), out)

    def functions(self, summary: CProfileSummary) -> list[FunctionStat]:
        """Every function of the table."""
        return summary.functions

    def summarize(self, artifact: Path) -> CProfileSummary:
        """Read the `.prof` with pstats and rank the script's functions."""
        try:
            stats = pstats.Stats(str(artifact)).stats  # type: ignore[attr-defined]
        except (OSError, EOFError, ValueError, TypeError, AttributeError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable pstats file ({exc})") from exc
        return summarize_stats(stats)


def qualified_stats(profile: Any) -> dict[PstatsKey, PstatsValue]:
    """pstats' table built as `cProfile.snapshot_stats` builds it, but keyed by qualified name.

    Names come from the live function objects where they can be found (so a dataclass's
    `__init__` is `Point.__init__`), else from the code object or the source; built-in
    functions lose the memory address in their name.
    """
    return pstats_of(handoff.raw_stats(profile.getstats()), live_function_names())


def pstats_of(raw: handoff.RawStats, functions: dict[int, str]) -> dict[PstatsKey, PstatsValue]:
    """`getstats()` readings (see `handoff.raw_stats`) as pstats' table, by qualified name."""
    stats: dict[PstatsKey, PstatsValue] = {}
    for code, (calls, recursive, own, total, _) in raw.items():
        key = _label(code.code, functions)
        cc, nc, tt, ct, callers = stats.get(key, (0, 0, 0.0, 0.0, {}))
        stats[key] = (cc + calls - recursive, nc + calls, tt + own, ct + total, callers)
    for code, (*_, callees) in raw.items():
        _add_callers(stats, _label(code.code, functions), callees, functions)
    return stats


def _add_callers(stats: dict[PstatsKey, PstatsValue], caller: PstatsKey,
                 callees: dict[handoff.CodeKey, list[Any]], functions: dict[int, str]) -> None:
    """One caller's calls as its callees' caller edges: calls, primitive calls, own and
    cumulative time, as pstats keeps them."""
    for sub, (calls, recursive, own, total) in callees.items():
        key = _label(sub.code, functions)
        if key in stats:
            _add_edge(stats[key][4], caller, (calls, calls - recursive, own, total))


def _add_edge(callers: dict[PstatsKey, Any], caller: PstatsKey, edge: tuple[Any, ...]) -> None:
    """Add a caller edge (calls, primitive calls, own, cumulative) to what is there."""
    known = callers.get(caller)
    callers[caller] = edge if known is None else tuple(a + b for a, b in zip(known, edge))


def live_function_names() -> dict[int, str]:
    """id(code) -> `__qualname__` of every live Python function (taken after the script ran,
    while its module and classes are still alive)."""
    return {id(f.__code__): f.__qualname__ for f in gc.get_objects()
            if isinstance(f, types.FunctionType)}


def _label(code: Any, functions: dict[int, str]) -> PstatsKey:
    if isinstance(code, str):
        return "~", 0, names.without_address(code)
    return code.co_filename, code.co_firstlineno, names.code_qualname(code, functions)


def summarize_stats(stats: dict[PstatsKey, PstatsValue]) -> CProfileSummary:
    """Every function the script ran, by cumulative time, leaving out the harness that ran the
    script and splicing out the profiling decorator's frames (their callees join their
    callers). Shares are of the script's total: what the harness called."""
    decorator = decorator_keys(stats)
    wrapped = _own_work(stats, decorator)
    stats = splice(stats, decorator)
    harness = harness_keys(stats)
    rows = [_row(k, v) for k, v in stats.items() if k not in harness]
    if wrapped.own_s > 0:  # the decorator's cost, on a row of its own: the table adds up
        rows.append(wrapped)
    # In the tree, an imported module's `<module>` sits under the line that imported it.
    importing = {k for k in stats if is_import_machinery(k[0])}
    tree = call_tree(splice(stats, importing, drop_c_calls=False), harness)
    # What the harness called, or the largest cumulative time where a C function the script
    # shares with the harness (exec) ran a little outside it: no share over 100%. What the
    # rebuilt tree could not place stays in its root's own time, so graph and table agree.
    total = max([tree.value, *(r.cumulative_s for r in rows)])
    tree = replace(tree, value=total, self_value=tree.self_value + total - tree.value)
    return CProfileSummary(
        inconsistent=sum(r.own_s > r.cumulative_s * (1 + 1e-9) + 1e-9 for r in rows),
        total_calls=sum(r.calls for r in rows),
        primitive_calls=sum(r.primitive_calls for r in rows),
        total_s=total,
        functions=sorted(rows, key=lambda r: (-r.cumulative_s, -r.own_s)),
        graphs=[FlameGraph(
            name=GraphKind.CPU_CPROFILE, title="CPU time, rebuilt from cProfile's call edges",
            unit="seconds", tree=tree, approximate=True,
            note="Approximate: cProfile keeps caller→callee totals, not stacks. Where a function "
                 "has several callers, its callees' time is shared out in proportion to each "
                 "caller's share, which can be wrong. The profiling decorator's own frames are "
                 "folded into their callers' self time. pyinstrument's graph shows real stacks.",
        )],
    )


def _own_work(stats: dict[PstatsKey, PstatsValue], keys: set[PstatsKey]) -> FunctionStat:
    """What the spliced-out frames cost themselves: their own time and that of the C calls
    they made, as one row."""
    own = sum(stats[k][2] for k in keys)
    own += sum(edge[2] for k, (*_, callers) in stats.items() if k[0] == "~"
               for caller, edge in callers.items() if caller in keys)
    calls = sum(stats[k][1] for k in keys)
    return FunctionStat(function=DECORATOR_OWN, file="", line=0, calls=calls,
                        primitive_calls=calls, own_s=own, cumulative_s=own)


def decorator_keys(stats: dict[PstatsKey, PstatsValue]) -> set[PstatsKey]:
    """The profiling decorator's frames (and the detection it calls)."""
    return {k for k in stats if is_decorator(k[0])}


def splice(stats: dict[PstatsKey, PstatsValue], removed: set[PstatsKey],
           drop_c_calls: bool = True) -> dict[PstatsKey, PstatsValue]:
    """The table without `removed`: each removed Python function's Python callees are
    attached to its callers, and (with `drop_c_calls`) the C calls it made itself are taken
    off the C functions' totals (a C function left with no call goes); without it, C callees
    are attached to its callers too.

    A callee's edge from a removed function is shared among that function's callers in
    proportion to the cumulative time each spent calling it. The totals of the Python
    functions kept do not change, so pstats' own figures for them stay exact.
    """
    table = {k: (cc, nc, tt, ct, dict(callers)) for k, (cc, nc, tt, ct, callers) in stats.items()}
    for gone in removed:
        if gone not in table:
            continue
        *_, gone_callers = table.pop(gone)
        gone_callers.pop(gone, None)
        weights = _shares({c: e[3] for c, e in gone_callers.items()})
        for key in list(table):
            edge = table[key][4].pop(gone, None)
            if edge is None:
                continue
            if drop_c_calls and key[0] == "~":  # a C call the decorator made: not the script's
                _take_off(table, key, edge)
                continue
            for caller, weight in weights.items():
                _add_edge(table[key][4], caller, tuple(type(x)(x * weight) for x in edge))
    for _, _, _, _, callers in table.values():  # edges from C functions that went
        for caller in [c for c in callers if c not in table and c[0] == "~"]:
            del callers[caller]
    return table


def _take_off(table: dict[PstatsKey, PstatsValue], key: PstatsKey, edge: tuple[Any, ...]) -> None:
    """Subtract one caller's calls from a C function's totals; drop it if none are left."""
    cc, nc, tt, ct, callers = table[key]
    if nc - edge[0] <= 0:
        del table[key]
    else:
        table[key] = (cc - edge[1], nc - edge[0], tt - edge[2], ct - edge[3], callers)


def _shares(values: dict[PstatsKey, float]) -> dict[PstatsKey, float]:
    total = sum(values.values())
    if total > 0:
        return {k: v / total for k, v in values.items()}
    return {k: 1 / len(values) for k in values} if values else {}


def call_tree(stats: dict[PstatsKey, PstatsValue], harness: set[PstatsKey],
              min_fraction: float = frames.PRUNE_FRACTION) -> Frame:
    """Rebuild a call tree from caller→callee edges, as snakeviz does.

    Each function's callees are scaled by the share of its time that reached it along this
    path, so a subtree never claims more than its parent; recursion stops at a function that is
    already on the path; edges under `min_fraction` of the whole are left out.
    """
    graph = _CallGraph(stats, harness)
    entries = graph.entries()
    root = Frame("<script>", "", 0, sum(entries.values()), 0.0)
    floor = root.value * min_fraction
    pending: list[tuple[Frame, tuple[PstatsKey, ...]]] = [
        (_attach(root, key, value), (key,)) for key, value in entries.items() if value > 0]
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
        starters = self.starters()
        for key, (*_, cumulative, callers) in self.stats.items():
            if key in self.harness or (not callers and starters is not self.harness):
                continue
            from_harness = sum(edge[3] for c, edge in callers.items() if c in starters)
            if callers and not from_harness:
                continue
            value = from_harness if callers else cumulative
            if key[0] == "~" and self.callees[key] and cumulative:
                # exec is recursive when the script imports: its edges to every imported
                # module's <module> are nested inside the script's own, so they are taken
                # largest first until the time the harness gave exec is spent.
                left = value
                for callee, edge in sorted(self.callees[key].items(), key=lambda c: -c[1][3]):
                    share = min(edge[3] * value / cumulative, left)
                    if share <= 0:
                        break
                    entries[callee] += share
                    left -= share
            else:
                entries[key] += value
        return entries

    def starters(self) -> set[PstatsKey]:
        """runpy's frame that executes the script, with the C functions (exec) only it calls;
        any harness frame where the capture has no such frame."""
        found = {k for k in self.harness if runs_the_script(k[2], k[0])}
        found |= {k for k in self.harness if k[0] == "~" and self.stats[k][4]
                  and set(self.stats[k][4]) <= found}
        return found or self.harness

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
