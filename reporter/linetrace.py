"""`profile_deco(lines=True)`: hits, time and memory per line of one function, as
memory_profiler and line_profiler print them, over every traced call.

- Hits come from a trace function (`sys.settrace`), installed for the call only. It chains:
  every event also goes to the trace function that was there before (coverage, a debugger),
  and that one is put back when the call ends.
- Time per line is the wall time from the line's start to the next line event of the same
  frame, so the calls a line makes are in its time, as in line_profiler. The tracer's own cost
  is in it too: a traced function runs slower than untraced.
- Memory comes from tracemalloc (memray allows one tracker, and the decorator stands down
  under it): the bytes a line left allocated (its increment, which a later `del` gives back as
  a negative one) and its peak above its own start. memory_profiler reads RSS instead, which
  moves by whole pages and only when the allocator asks the system for more.
"""

from __future__ import annotations

import linecache
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any, Literal, Optional, ParamSpec, TextIO, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
TraceEvent = Literal["call", "line", "return", "exception", "opcode"]
# What `sys.settrace` takes; the local trace function it returns gets the frame's next events.
TraceFunction = Callable[[FrameType, TraceEvent, Any], Optional["TraceFunction"]]


@dataclass
class LineStat:
    """One line over all traced calls."""

    hits: int = 0
    time_s: float = 0.0
    increment_bytes: int = 0
    peak_bytes: int = 0


class LineRecorder:
    """Per-line figures of one code object, filled by `trace` around each outermost call."""

    def __init__(self, code: CodeType) -> None:
        self.code = code
        self.stats: dict[int, LineStat] = {}
        self.high_water = 0  # the highest traced memory seen, for the call's own peak

    def trace(self, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `call` with this function's frames traced line by line."""
        previous = sys.gettrace()
        started = not tracemalloc.is_tracing()
        if started:
            tracemalloc.start()
        sys.settrace(self._global(previous))
        try:
            return call(*args, **kwargs)
        finally:
            sys.settrace(previous)
            if started:
                tracemalloc.stop()

    def _global(self, previous: Optional[TraceFunction]) -> TraceFunction:
        code = self.code

        def on_call(frame: FrameType, event: TraceEvent, arg: Any) -> Optional[TraceFunction]:
            chained = None
            if previous is not None:
                chained = previous(frame, event, arg)
                # coverage's C tracer, called from Python for a "call", installs itself as
                # the C trace function again (for speed): ours is put back.
                if sys.gettrace() is not on_call:
                    sys.settrace(on_call)
            if frame.f_code is not code:
                return chained
            return _FrameTracer(self, chained).event
        return on_call

    def table(self, stream: TextIO) -> None:
        """Print the table in memory_profiler's and line_profiler's layout."""
        print(format_table(self.code.co_filename, self.code.co_firstlineno,
                           self.rows()), file=stream)

    def rows(self) -> list[tuple[int, str, LineStat]]:
        """(line, source, figures) for every line of the function, run or not."""
        file = self.code.co_filename
        lines = sorted({line for _, _, line in self.code.co_lines() if line}
                       | set(self.stats))
        first = min([self.code.co_firstlineno, *lines])
        last = max(lines, default=first)
        return [(n, linecache.getline(file, n).rstrip("\n"), self.stats.get(n, LineStat()))
                for n in range(first, last + 1)]


class _FrameTracer:
    """The local trace function of one frame of the recorded code: closes the previous line's
    figures at each line event and at the return, then passes the event on."""

    def __init__(self, recorder: LineRecorder, chained: Optional[TraceFunction]) -> None:
        self.recorder = recorder
        self.chained = chained
        self.line = 0
        self.since = 0.0
        self.memory = 0

    def event(self, frame: FrameType, event: TraceEvent, arg: Any) -> TraceFunction:
        """Charge the line that just ended; start timing the next."""
        if self.line and event in ("line", "return", "exception"):
            self._close()
        if event == "line":
            self.line = frame.f_lineno
            stat = self.recorder.stats.get(self.line)
            if stat is None:
                stat = self.recorder.stats[self.line] = LineStat()
            stat.hits += 1
            tracemalloc.reset_peak()
            self.memory = tracemalloc.get_traced_memory()[0]
            self.since = time.perf_counter()
        if self.chained is not None:
            self.chained = self.chained(frame, event, arg)
        return self.event

    def _close(self) -> None:
        spent = time.perf_counter() - self.since
        current, peak = tracemalloc.get_traced_memory()
        stat = self.recorder.stats[self.line]
        stat.time_s += spent
        stat.increment_bytes += current - self.memory
        stat.peak_bytes = max(stat.peak_bytes, peak - self.memory)
        self.recorder.high_water = max(self.recorder.high_water, peak)
        self.line = 0


def format_table(file: str, first_line: int, rows: list[tuple[int, str, LineStat]]) -> str:
    """The table students know: line, hits, time, per hit, % time, memory, contents."""
    total = sum(stat.time_s for _, _, stat in rows) or 1.0
    out = [f"File: {file}", f"Function starting at line {first_line}", "",
           f"{'Line #':>6} {'Hits':>9} {'Time':>10} {'Per Hit':>10} {'% Time':>7} "
           f"{'Increment':>11} {'Peak':>11}  Line Contents", "=" * 96]
    for line, source, stat in rows:
        if not stat.hits:
            out.append(f"{line:>6} {'':>9} {'':>10} {'':>10} {'':>7} {'':>11} {'':>11}  {source}")
            continue
        out.append(f"{line:>6} {stat.hits:>9,} {_seconds(stat.time_s):>10} "
                   f"{_seconds(stat.time_s / stat.hits):>10} {100 * stat.time_s / total:>6.1f}% "
                   f"{_bytes(stat.increment_bytes):>11} {_bytes(stat.peak_bytes):>11}  {source}")
    return "\n".join(out)


def _seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if abs(value) >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value * 1e9:.0f} ns"


def _bytes(value: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(value) >= scale:
            return f"{value / scale:.1f} {unit}"
    return f"{value} B"
