"""Line-level CPU time: a SIGPROF sampler of our own, for the script's own lines.

Why not pyinstrument's line numbers: pyinstrument takes its samples at call and return events,
so a frame's line is the line of its next event. A loop that calls nothing is charged, whole,
to the line after it (measured: the 0.26 s of `total += i * i` landed on `return total`). A
signal handler reads the line the main thread is on when Python runs it: at the next call, return
or end of a loop's body after the signal (so a short function without a loop or a call is
charged to its caller's line).

- SIGPROF fires per `interval_s` of the process's CPU time. Signals that arrive during a long
  C call coalesce into one, so each sample is weighted by the main thread's CPU time since the
  last one (`time.thread_time`), and the handler's own time is left out of the weights.
- Python runs signal handlers in the main thread only: other threads' lines are not sampled,
  and the page says so.
- A handler that costs more than a quarter of the interval (a very deep stack) doubles the
  interval, so the script keeps most of the CPU instead of spiralling into sampling only.
"""

from __future__ import annotations

import dis
import json
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, FrameType
from typing import Any, ClassVar, Optional

from reporter.analysis import names
from reporter.errors import ArtifactError
from reporter.harness import is_users
from reporter.profilers.base import BaseProfiler, register
from reporter.results import LineTime, LineTimeSummary
from reporter.run import handoff

# A key of the sample table: the innermost frame's (code, line) if it is the user's, and the
# distinct user lines on the stack, innermost first.
_Line = tuple[CodeType, int]
_Key = tuple[Optional[_Line], tuple[_Line, ...]]
MAX_INTERVAL_S = 0.1
# In a deeper stack, only these many innermost and outermost frames are read.
LEAF_FRAMES = 500
ROOT_FRAMES = 100


class _Sampler:
    """The signal handler and the table it fills; one per capture."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = self.start_interval_s = self.max_interval_s = interval_s
        self.table: dict[_Key, list[float]] = {}  # key -> [cpu seconds, samples]
        self.users: dict[CodeType, bool] = {}
        self.starts: dict[CodeType, int] = {}
        self.lineless: dict[tuple[CodeType, int], int] = {}
        self.handler_s = self.typical_s = 0.0
        self.busy = False
        self.dropped = 0
        self.last = 0.0
        self.previous: Any = None

    def start(self) -> None:
        """Install the handler and arm the CPU-time timer."""
        is_users(__file__)  # its caches warmed here, not in the first sample
        self.previous = signal.signal(signal.SIGPROF, self.sample)
        self.last = time.thread_time()
        signal.setitimer(signal.ITIMER_PROF, self.interval_s, self.interval_s)

    def lost(self, frame: Optional[FrameType], tool: str) -> bool:
        """A profile function of the script's own (`sys.setprofile`) would see our signal
        handler's frames as calls (the profile module asserts on them): the timer waits.
        A C profiler (cProfile) only lists them, so the sampler goes on beside it."""
        del frame
        if tool != "sys.setprofile":
            return False
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        return True

    def regained(self, frame: Optional[FrameType], recovered: list[Any], name: str) -> None:
        """The script's profile function is gone: sampling goes on, the wait unweighted."""
        del frame, recovered, name
        self.last = time.thread_time()
        signal.setitimer(signal.ITIMER_PROF, self.interval_s, self.interval_s)

    def stop(self) -> None:
        """Disarm the timer and put back the handler that was there."""
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, self.previous)

    def sample(self, _signum: int, frame: Optional[FrameType]) -> None:
        """Charge the main thread's CPU time since the last sample to the lines running now.

        A signal that arrives while the handler runs (a slow sample of a deep stack) is
        dropped, not nested: its CPU time goes to the next sample, as does a failed sample's.
        """
        if self.busy:
            self.dropped += 1
            return
        self.busy = True
        try:
            self._sample(frame)
        except Exception:  # pylint: disable=broad-exception-caught
            # Raised in a signal handler, it would surface at a random line of the script
            # (a RecursionError at the bottom of a deep recursion): the sample is lost instead.
            self.dropped += 1
        finally:
            self.busy = False

    def _sample(self, frame: Optional[FrameType]) -> None:
        started = time.thread_time()
        weight = started - self.last
        key = self._key(frame)
        entry = self.table.get(key)
        if entry is None:
            self.table[key] = [weight, 1]
        else:
            entry[0] += weight
            entry[1] += 1
        self.last = time.thread_time()
        cost = self.last - started
        self.handler_s += cost
        # A smoothed cost, so that one slow sample (the first sight of a module) does not
        # slow the sampling down for good.
        self.typical_s += (cost - self.typical_s) / 8
        if self.typical_s > self.interval_s / 4 and self.interval_s < MAX_INTERVAL_S:
            self.interval_s = min(max(2 * self.interval_s, 8 * self.typical_s), MAX_INTERVAL_S)
            self.max_interval_s = max(self.max_interval_s, self.interval_s)
            signal.setitimer(signal.ITIMER_PROF, self.interval_s, self.interval_s)

    def _key(self, frame: Optional[FrameType]) -> _Key:
        """The user's lines of the stack: all of them in a stack of ordinary depth; in a deep
        one the innermost and outermost frames only (the middle of a recursion repeats the
        lines already seen, and reading them all would cost a walk of every frame's code)."""
        frames: list[FrameType] = []
        while frame is not None and len(frames) < LEAF_FRAMES:
            frames.append(frame)
            frame = frame.f_back
        if frame is not None:
            rest = []
            while frame is not None:
                rest.append(frame)
                frame = frame.f_back
            frames += rest[-ROOT_FRAMES:]
        leaf: Optional[_Line] = None
        lines: list[_Line] = []
        seen: set[_Line] = set()
        users = self.users
        # A function caught before its first line (a gc callback, a key function called by
        # sorted) did not spend the time since the last sample: whatever called it did.
        skip = 1 if frames and self._not_started(frames[0]) else 0
        for depth, each in enumerate(frames[skip:], skip):
            code = each.f_code
            mine = users.get(code)
            if mine is None:
                mine = users[code] = is_users(code.co_filename)
            if mine:
                line = (code, each.f_lineno or self._line_before(code, each.f_lasti))
                if depth == skip:
                    leaf = line
                if line not in seen:
                    seen.add(line)
                    lines.append(line)
        return leaf, tuple(lines)

    def _not_started(self, frame: FrameType) -> bool:
        """True for a frame at or before its first instruction of its own (3.11's RESUME)."""
        code = frame.f_code
        start = self.starts.get(code)
        if start is None:
            start = self.starts[code] = next(
                (i.offset for i in dis.get_instructions(code) if i.opname == "RESUME"), 0)
        return frame.f_lasti <= start

    def _line_before(self, code: CodeType, offset: int) -> int:
        """A line for an instruction that has none. It is mostly 3.11's jump back to a loop's
        head after an `if` without `else`: that one is the loop's, given to its head's line.
        Any other gets the line of the nearest earlier instruction that has one."""
        key = (code, offset)
        found = self.lineless.get(key)
        if found is None:
            jump = next((i for i in dis.get_instructions(code) if i.offset == offset
                         and i.opcode in dis.hasjrel + dis.hasjabs), None)
            found = self.lineless[key] = _line_at(code, jump.argval if jump else offset)
        return found

    def save(self, artifact: Path) -> None:
        """The table with each line named once: file, line, qualified function name."""
        index: dict[_Line, int] = {}
        located: list[list[Any]] = []

        def number(line: _Line) -> int:
            if line not in index:
                index[line] = len(located)
                code, lineno = line
                located.append([code.co_filename, lineno, names.code_qualname(code)])
            return index[line]

        stacks = [[-1 if leaf is None else number(leaf), [number(x) for x in lines], w, n]
                  for (leaf, lines), (w, n) in self.table.items()]
        artifact.write_text(json.dumps({
            "start_interval_s": self.start_interval_s, "max_interval_s": self.max_interval_s,
            "handler_s": self.handler_s, "dropped": self.dropped,
            "lines": located, "stacks": stacks,
        }), encoding="utf-8")


def _line_at(code: CodeType, offset: int) -> int:
    """The line of the instruction at `offset`, or of the nearest earlier one with a line."""
    found = code.co_firstlineno
    for start, _, line in code.co_lines():
        if start > offset:
            break
        if line:  # None, or 0 for a module's first instruction
            found = line
    return found


class LineSampler(BaseProfiler):
    """CPU time per line of the script's own files, main thread, sampled by SIGPROF."""

    name: ClassVar[str] = "lines"
    suffix: ClassVar[str] = ".lines.json"
    limit_factor: ClassVar[float] = 5.0  # the homework scripts here: up to 2.5x
    summary: ClassVar[type] = LineTimeSummary
    scope: ClassVar[str] = "the main thread of the main process, its CPU time only"
    template: ClassVar[str] = "lines.html.j2"
    interval_s: ClassVar[float] = 0.001

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Sample the block; the table is saved even when the block raises."""
        sampler = _Sampler(self.interval_s)
        sampler.start()
        try:
            with handoff.sitting(sampler):
                yield
        finally:
            sampler.stop()
            sampler.save(artifact)

    def summarize(self, artifact: Path) -> LineTimeSummary:
        """Each user line's own CPU time and its time with the calls it made."""
        try:
            data = json.loads(artifact.read_text(encoding="utf-8"))
            located = [(str(f), int(n), str(q)) for f, n, q in data["lines"]]
            stacks = [(int(leaf), [int(i) for i in lines], float(w), int(n))
                      for leaf, lines, w, n in data["stacks"]]
            summary = summarize_stacks(located, stacks, float(data["start_interval_s"]),
                                       float(data["max_interval_s"]), float(data["handler_s"]))
            summary.dropped = int(data.get("dropped", 0))
            return summary
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable line sampler table "
                                f"({type(exc).__name__}: {exc})") from exc


def summarize_stacks(located: list[tuple[str, int, str]],
                     stacks: list[tuple[int, list[int], float, int]],
                     interval_s: float, max_interval_s: float,
                     handler_s: float) -> LineTimeSummary:
    """Fold the sample table into one row per line: own time when the line was the innermost
    frame, time with calls when it was anywhere on the stack (once per sample).

    Rows are per file and line: two code objects on one line (a comprehension and the
    function around it, before 3.12) are one line of the file, named by the first seen.
    """
    rows: dict[tuple[str, int], LineTime] = {}
    same: list[LineTime] = []
    for file, line, function in located:
        if (file, line) not in rows:
            rows[(file, line)] = LineTime(file, line, function, 0.0, 0.0, 0, 0)
        same.append(rows[(file, line)])
    for leaf, lines, weight, count in stacks:
        if leaf >= 0:
            same[leaf].own_s += weight
            same[leaf].own_samples += count
        for row in {id(same[i]): same[i] for i in lines}.values():
            row.with_calls_s += weight
            row.samples += count
    return LineTimeSummary(
        cpu_s=sum(w for _, _, w, _ in stacks), samples=sum(n for _, _, _, n in stacks),
        interval_s=interval_s, max_interval_s=max_interval_s, handler_s=handler_s,
        lines=sorted(rows.values(), key=lambda r: (-r.with_calls_s, r.file, r.line)),
    )


register(LineSampler())
