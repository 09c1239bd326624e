"""The script's own lines, with their time and memory joined: what `reporter lines`, the
annotated source and `reporter compare` show.

Time comes from the line sampler (CPU time of the main thread), memory from memray's capture.
A sampled share is a proportion of samples, so it is given with its 95% Wilson interval over the
run's n samples (about ±1.96·√(p(1−p)/n)); a line with fewer than `MIN_SAMPLES` samples (own
samples, for its own share) gets no figure, only a mark.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Optional

from reporter.analysis import names
from reporter.results import LineMemory, LineTime, LineTimeSummary, MemraySummary, WorkloadResult

MIN_SAMPLES = 10
CONTEXT = 2  # lines shown around a hot line of module code
Z95 = 1.96


@dataclass
class LineRow:
    """One line of the script's own files, with every figure measured for it."""

    file: str
    line: int
    function: str
    source: str
    time_share: float  # own CPU time / the main thread's CPU time (0..1)
    time_share_with_calls: float
    time_samples: int  # samples with the line anywhere on the stack
    time_margin: float  # ± on time_share_with_calls at 95% (the farther side of its interval)
    time_own_margin: float  # ± on time_share
    peak_bytes: int
    exit_bytes: int
    peak_allocations: int
    own_peak_bytes: int
    own_exit_bytes: int
    time_own_samples: int = 0  # samples with the line the innermost
    run_samples: int = 0  # every sample of the run, what the intervals are taken over

    @property
    def timed(self) -> bool:
        """True when enough samples fell on the line to give its share as a figure."""
        return self.time_samples >= MIN_SAMPLES

    @property
    def timed_own(self) -> bool:
        """True when enough samples had the line innermost to give its own share."""
        return self.time_own_samples >= MIN_SAMPLES

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% interval of the share with calls."""
        return wilson(self.time_share_with_calls, self.run_samples)

    @property
    def own_interval(self) -> tuple[float, float]:
        """The 95% interval of the own share."""
        return wilson(self.time_share, self.run_samples)

    def record(self) -> dict[str, Any]:
        """The JSON record `reporter lines --json` prints."""
        return asdict(self)


def wilson(share: float, samples: int) -> tuple[float, float]:
    """The 95% Wilson interval of a sampled share: it stays inside 0..1 and honest near the
    edges (a share of 100% from 40 samples is not ±0)."""
    if samples <= 0:
        return 0.0, 1.0
    share = min(max(share, 0.0), 1.0)
    spread = Z95 * Z95 / samples
    centre = (share + spread / 2) / (1 + spread)
    half = Z95 * math.sqrt(share * (1 - share) / samples + spread / (4 * samples)) / (1 + spread)
    return max(centre - half, 0.0), min(centre + half, 1.0)


def margin(share: float, samples: int) -> float:
    """How far a sampled share may be from the truth at 95%: the farther side of its Wilson
    interval (1 with no sample at all)."""
    if samples <= 0:
        return 1.0
    low, high = wilson(share, samples)
    return max(min(max(share, 0.0), 1.0) - low, high - min(max(share, 0.0), 1.0))


def captures(result: WorkloadResult) -> tuple[Optional[LineTimeSummary],
                                              Optional[MemraySummary]]:
    """The clean line sampler run's table and the clean memray run's summary, if any."""
    timed = next((t for r in result.runs if r.ok and (t := r.profile_as(LineTimeSummary))), None)
    memory = next((m for r in result.runs if r.ok and (m := r.profile_as(MemraySummary))), None)
    return timed, memory


def line_rows(result: WorkloadResult) -> list[LineRow]:
    """Every user line with a time or a memory figure, hottest by time first, then by memory."""
    return join(*captures(result), result.sources)


def join(timed: Optional[LineTimeSummary], memory: Optional[MemraySummary],
         sources: dict[str, str]) -> list[LineRow]:
    """The sampler's rows and memray's rows, matched by file and line."""
    times: dict[tuple[str, int], LineTime] = {(t.file, t.line): t for t in
                                              (timed.lines if timed else [])}
    memories: dict[tuple[str, int], LineMemory] = {(m.file, m.line): m for m in
                                                   (memory.lines if memory else [])}
    texts = {file: text.splitlines() for file, text in sources.items()}
    cpu = timed.cpu_s if timed and timed.cpu_s > 0 else 0.0
    total = timed.samples if timed else 0
    rows = []
    for key in {*times, *memories}:
        t, m = times.get(key), memories.get(key)
        lines = texts.get(key[0], [])
        with_calls = t.with_calls_s / cpu if t and cpu else 0.0
        own = t.own_s / cpu if t and cpu else 0.0
        rows.append(LineRow(  # the key is in one of times and memories at least
            file=key[0], line=key[1], function=(t if t else memories[key]).function,
            source=lines[key[1] - 1].strip() if 0 < key[1] <= len(lines) else "",
            time_share=own, time_share_with_calls=with_calls,
            time_samples=t.samples if t else 0,
            time_margin=margin(with_calls, total) if t else 0.0,
            time_own_margin=margin(own, total) if t else 0.0,
            time_own_samples=t.own_samples if t else 0, run_samples=total,
            peak_bytes=m.peak_bytes if m else 0, exit_bytes=m.exit_bytes if m else 0,
            peak_allocations=m.peak_allocations if m else 0,
            own_peak_bytes=m.own_peak_bytes if m else 0,
            own_exit_bytes=m.own_exit_bytes if m else 0,
        ))
    return sorted(rows, key=lambda r: (-r.time_share_with_calls, -r.peak_bytes, -r.exit_bytes,
                                       r.file, r.line))


def hottest(rows: Iterable[LineRow], measure: str, top: int) -> list[LineRow]:
    """The `top` rows by one measure (`time_share`, `peak_bytes`...), zeros left out."""
    found = [r for r in rows if getattr(r, measure) > 0]
    return sorted(found, key=lambda r: -getattr(r, measure))[:top]


@dataclass(frozen=True)
class Block:
    """A stretch of a source file: one top-level function or class, or the module code
    between them. Blocks without figures are folded away on the page."""

    first: int
    last: int
    name: str
    hot: bool


def blocks(text: str, hot_lines: Iterable[int]) -> list[Block]:
    """The file cut at its functions and methods; one block for all of it if it does not
    parse (a file edited since the run)."""
    lines = text.splitlines()
    hot = set(hot_lines)
    try:
        tree = names.parse(text)
    except (SyntaxError, ValueError):
        return [Block(1, len(lines), "", True)] if lines else []
    spans = sorted(_definitions(tree.body, ""))
    cut: list[tuple[int, int, str]] = []
    at = 1
    for first, last, name in spans:
        if first > at:
            cut.append((at, first - 1, ""))
        cut.append((first, last, name))
        at = last + 1
    if at <= len(lines):
        cut.append((at, len(lines), ""))
    found = []
    for first, last, name in cut:
        if name:
            found.append(Block(first, last, name, any(first <= n <= last for n in hot)))
        else:
            found += _module_code(first, last, hot)
    return found


def _module_code(first: int, last: int, hot: set[int]) -> list[Block]:
    """Module code between definitions, cut around its hot lines (with `CONTEXT` lines on
    each side): a long stretch of imports and constants does not unfold for one import."""
    near = {n for h in hot if first <= h <= last
            for n in range(max(h - CONTEXT, first), min(h + CONTEXT, last) + 1)}
    found: list[Block] = []
    for n in range(first, last + 1):
        if found and (n in near) == found[-1].hot:
            found[-1] = Block(found[-1].first, n, "", found[-1].hot)
        else:
            found.append(Block(n, n, "", n in near))
    return found


def _definitions(body: Sequence[ast.stmt], prefix: str) -> Iterable[tuple[int, int, str]]:
    """Functions as spans, classes cut into their methods (a class of many methods with one
    hot method unfolds that method only)."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            yield first, node.end_lineno or node.lineno, prefix + node.name
        elif isinstance(node, ast.ClassDef):
            yield from _definitions(node.body, f"{prefix}{node.name}.")


def matched(base: Sequence[LineRow], new: Sequence[LineRow]
            ) -> list[tuple[Optional[LineRow], Optional[LineRow]]]:
    """Rows of two runs paired by function and source text, so that an edit above a function
    (which moves its lines) keeps them matched; a text repeated in a function pairs in order."""
    def key(row: LineRow) -> tuple[str, str, str]:
        return row.file.rsplit("/", 1)[-1], row.function, row.source

    waiting: dict[tuple[str, str, str], list[LineRow]] = {}
    for row in sorted(base, key=lambda r: (r.file, r.line)):
        waiting.setdefault(key(row), []).append(row)
    pairs: list[tuple[Optional[LineRow], Optional[LineRow]]] = []
    for row in sorted(new, key=lambda r: (r.file, r.line)):
        queue = waiting.get(key(row))
        pairs.append((queue.pop(0) if queue else None, row))
    pairs.extend((row, None) for queue in waiting.values() for row in queue)
    return pairs
