"""Our cProfile in pieces, where the script's own profiler held the hook (up to 3.11).

Up to 3.11 a script's `Profile().enable()` takes the thread's one profile hook from ours. Ours
then stops (a flush: the frames open at that moment are counted up to it), the script's profile
measures the gap, and ours starts again as a new piece the moment the script lets go. A new
piece knows nothing of the frames already on the stack, so the pieces are joined here with what
the hand-offs recorded:

- the frames on the stack both when the script took the hook and when it gave it back spanned
  the gap: its time is added to their cumulative time, and what the script's profile measured
  meanwhile is merged in, its top-level functions called by the innermost of those frames
  (`wrapper`, for a decorator); a gap no profile of the script's measured is one row
  "[not seen: ...]" there;
- the frames on the stack when a piece started that are still there when it ends spanned the
  piece: its time is added to theirs, and the calls the piece saw made from nowhere are the
  innermost one's. A frame that returned inside the piece is not known to have: the script's
  module frame, which lasts to the end, counts as spanning the last piece.

Since 3.12 ours runs on a spare `sys.monitoring` tool beside the script's, in one piece.
"""

from __future__ import annotations

import _lsprof
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any, Optional, Union

from reporter.harness import is_harness
from reporter.run import handoff

Code = Union[CodeType, str]  # a code object, or a C function's name
Chain = list[tuple[Code, Code]]  # (frame's code, its caller's code), outermost first
Table = dict[Any, list[Any]]  # pstats key -> [cc, nc, tt, ct, {caller key: [nc, cc, tt, ct]}]
ToPstats = Callable[[handoff.RawStats], dict[Any, Any]]


@dataclass
class Piece:
    """One stretch of our profile, and the frames that spanned it."""

    profile: _lsprof.Profiler
    seconds: float = 0.0
    spanning: Chain = field(default_factory=list)


@dataclass
class Gap:
    """One stretch in which the script's profiler held the hook."""

    seconds: float
    spanning: Chain
    recovered: list[handoff.RawStats]
    name: str


class Pieces:
    """Our cProfile capture, as pieces and gaps; `stats()` joins them into one table."""

    merges_profiles = True  # what the script's own cProfile measured in a gap is merged in

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.gaps: list[Gap] = []
        self.current: Optional[Piece] = None
        self.started = 0.0
        self.opening: list[FrameType] = []  # the stack when the current piece started
        self.held: list[FrameType] = []  # the stack when the script took the hook
        self.held_at = 0.0

    def begin(self, frame: Optional[FrameType]) -> None:
        """Start a piece in `frame` (None: the capture's start, before the script)."""
        self.opening = _stack(frame)
        self.current = Piece(handoff.RealProfiler())
        self.started = time.perf_counter()
        handoff.enable_aside(self.current.profile)  # last, so nothing of ours is profiled

    def lost(self, frame: Optional[FrameType], tool: str) -> bool:
        """The script took the hook in `frame`: this piece ends."""
        del tool  # every tool on the profile hook displaces ours
        assert self.current is not None
        handoff.disable_aside(self.current.profile)  # first, so nothing of ours is profiled
        self.held, self.held_at = _stack(frame), time.perf_counter()
        self._close(self.held, self.held_at)
        return True

    def regained(self, frame: Optional[FrameType], recovered: list[handoff.RawStats],
                 name: str) -> None:
        """The script let go in `frame`: the gap is recorded and a new piece begins."""
        now, back = time.perf_counter(), _stack(frame)
        self.gaps.append(Gap(now - self.held_at, _chain(back, _common(self.held, back)),
                             recovered, name))
        self.held = []
        self.begin(frame)

    def end(self) -> None:
        """The capture ends: the last piece is closed."""
        assert self.current is not None
        handoff.disable_aside(self.current.profile)
        caller = sys._getframe(1)  # pylint: disable=protected-access
        self._close(_stack(caller), time.perf_counter(), last=True)

    def _close(self, now_stack: list[FrameType], now: float, last: bool = False) -> None:
        assert self.current is not None
        piece, self.current = self.current, None
        piece.seconds = now - self.started
        alive = {id(f) for f in now_stack}
        spanning = {id(f) for f in self.opening if id(f) in alive}
        if last:
            script = [f for f in self.opening if not is_harness(f.f_code.co_filename)]
            spanning |= {id(script[-1])} if script else set()
        piece.spanning = _chain(self.opening, spanning)
        self.opening = []
        self.pieces.append(piece)

    def stats(self, to_pstats: ToPstats) -> dict[Any, Any]:
        """One pstats table: every piece, the gaps, and what the script's profiles measured."""
        table: Table = {}
        for i, piece in enumerate(self.pieces):
            part = to_pstats(handoff.raw_stats(piece.profile.getstats()))
            _join(table, part, piece.spanning if i else [], piece.seconds, to_pstats)
        for gap in self.gaps:
            measured: dict[Any, Any] = {}
            for raw in gap.recovered:
                _add(measured, _without_harness(to_pstats(raw)))
            if not measured:
                measured[("~", 0, f"[not seen: {gap.name} held the profile hook]")] = (
                    1, 1, gap.seconds, gap.seconds, {})
            _join(table, measured, gap.spanning, gap.seconds, to_pstats)
        return {k: (v[0], v[1], v[2], v[3], {c: tuple(e) for c, e in v[4].items()})
                for k, v in table.items()}


def _stack(frame: Optional[FrameType]) -> list[FrameType]:
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def _common(first: list[FrameType], second: list[FrameType]) -> set[int]:
    ids = {id(f) for f in first}
    return {id(f) for f in second if id(f) in ids}


def _chain(stack: list[FrameType], keep: set[int]) -> Chain:
    """The kept frames that are the script's (not ours), with their callers, outermost first."""
    chain: Chain = []
    for i, frame in enumerate(stack):
        if id(frame) in keep and not is_harness(frame.f_code.co_filename):
            parent = stack[i + 1].f_code if i + 1 < len(stack) else "~"
            chain.append((frame.f_code, parent))
    return chain[::-1]


def _join(table: Table, part: dict[Any, Any], spanning: Chain, seconds: float,
          to_pstats: ToPstats) -> None:
    """Add a piece (or a gap's measurement) to the table: its calls from nowhere are made by
    the innermost spanning frame, and the spanning frames' time grows by `seconds`."""
    keys = _keys(spanning, to_pstats)
    anchor = keys[-1] if keys else None
    roots = _roots(part) if anchor is not None else {}
    _add(table, part)
    if anchor is not None:
        for key, edge in roots.items():
            _edge(table, key, anchor[0], edge)
    seen = set()
    for key, parent in keys:
        if key in seen:
            continue  # a recursive frame: pstats counts the outermost call's time
        seen.add(key)
        _entry(table, key)[3] += seconds
        _edge(table, key, parent, [0, 0, 0.0, seconds])
    if anchor is not None:
        own = max(seconds - sum(e[3] for e in roots.values()), 0.0)
        _entry(table, anchor[0])[2] += own
        _edge(table, anchor[0], anchor[1], [0, 0, own, 0.0])


def _keys(chain: Chain, to_pstats: ToPstats) -> list[tuple[Any, Any]]:
    """The chain's frames and their callers as pstats keys."""
    def key(code: Code) -> Any:
        return next(iter(to_pstats({handoff.CodeKey(code): [0, 0, 0.0, 0.0, {}]})))

    return [(key(code), key(parent)) for code, parent in chain]


def _roots(part: dict[Any, Any]) -> dict[Any, list[Any]]:
    """What each function did when called from outside the part (no caller in it)."""
    roots = {}
    for key, (cc, nc, tt, ct, callers) in part.items():
        calls = nc - sum(e[0] for e in callers.values())
        if calls > 0:
            roots[key] = [calls, max(cc - sum(e[1] for e in callers.values()), 0),
                          max(tt - sum(e[2] for e in callers.values()), 0.0),
                          max(ct - sum(e[3] for e in callers.values()), 0.0)]
    return roots


def _without_harness(part: dict[Any, Any]) -> dict[Any, Any]:
    """The script's profile without our hand-off's frames (its `disable` went through ours),
    nor the C functions only they called."""
    ours = {k for k in part if is_harness(k[0])}
    ours |= {k for k, v in part.items() if k[0] == "~" and v[4] and set(v[4]) <= ours}
    return {k: (*v[:4], {c: e for c, e in v[4].items() if c not in ours})
            for k, v in part.items() if k not in ours}


def _add(table: dict[Any, Any], part: dict[Any, Any]) -> None:
    for key, (cc, nc, tt, ct, callers) in part.items():
        entry = _entry(table, key)
        entry[0] += cc
        entry[1] += nc
        entry[2] += tt
        entry[3] += ct
        for caller, edge in callers.items():
            _edge(table, key, caller, list(edge))


def _entry(table: Table, key: Any) -> list[Any]:
    return table.setdefault(key, [0, 0, 0.0, 0.0, {}])


def _edge(table: dict[Any, Any], key: Any, caller: Any, edge: list[Any]) -> None:
    callers = _entry(table, key)[4]
    known = callers.get(caller)
    callers[caller] = edge if known is None else [a + b for a, b in zip(known, edge)]
