"""What a run was doing, from what the system saw of it: CPU-bound, I/O-bound, sleeping or
waiting, or mixed, and memory-heavy beside any of them.

The rule reads the script's own window: the child's whole life also holds the interpreter
starting and our harness, which would dilute a short script's figures. On this kind of machine
neither `wchan` nor the scheduler's delay accounting says what a process waits for, so the rule
reads what is there: CPU seconds against wall seconds, the share of samples with a process in
state D (waiting on the disk) or R (running, or ready to run and waiting for a core, which keeps
a CPU-bound run CPU-bound on a busy machine), the bytes moved through the storage layer, and
the peak resident set. `render.process` says it in a sentence with the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from reporter.analysis import series
from reporter.results import Col, ProcessStats

MIN_ELAPSED_S = 0.2  # shorter, and interpreter start-up is most of what was measured
MIN_SAMPLES = 10
CPU_BOUND = 0.8  # cores' worth of CPU per wall second
WAITING = 0.3
DISK_WAIT = 0.2  # share of samples in state D
DISK_RATE = 10 * 2**20  # bytes per second through the storage layer
MEMORY_HEAVY = 1 * 2**30

CPU, IO, WAIT, MIXED, MEMORY = ("CPU-bound", "I/O-bound", "sleeping or waiting", "mixed",
                                "memory-heavy")


@dataclass
class RunKind:
    """The rule's answer, and the window it read."""

    kind: str  # CPU, IO, WAIT or MIXED
    memory_heavy: bool
    window: Window


@dataclass
class Window:
    """The script's own stretch of the series: from its first line to its end, without the
    interpreter starting and our harness around it (the whole life if that is not known)."""

    start_s: float
    end_s: float
    user_s: float
    system_s: float
    moved_bytes: int  # read and written through the storage layer
    waiting_share: float  # of its samples, with a process in state D
    running_share: float  # in state R
    samples: int
    whole: bool  # True: the child's whole life, the script's window was not known

    @property
    def elapsed_s(self) -> float:
        """How long the window lasted."""
        return self.end_s - self.start_s

    @property
    def utilisation(self) -> float:
        """Cores' worth of CPU over the window."""
        return (self.user_s + self.system_s) / self.elapsed_s if self.elapsed_s > 0 else 0.0


def script_window(stats: ProcessStats) -> Window:
    """The series between the samples that bracket the script's run."""
    points = stats.series
    if stats.script_end_s > stats.script_start_s:
        inside = [p for p in points if stats.script_start_s <= p[Col.T] <= stats.script_end_s]
        before = [p for p in points if p[Col.T] < stats.script_start_s][-1:]
        span = before + inside
        if len(span) >= 2:
            first, last = span[0], span[-1]
            return Window(first[Col.T], last[Col.T], last[Col.USER] - first[Col.USER],
                          last[Col.SYSTEM] - first[Col.SYSTEM],
                          int(last[Col.READ] + last[Col.WRITE]
                              - first[Col.READ] - first[Col.WRITE]),
                          series.share(inside, Col.IN_D), series.share(inside, Col.IN_R),
                          len(inside), whole=False)
    return Window(0.0, stats.elapsed_s, stats.user_s, stats.system_s,
                  stats.read_bytes + stats.write_bytes, stats.waiting_share,
                  stats.running_share, len(points), whole=True)


def kind_of(stats: ProcessStats) -> Optional[RunKind]:
    """The run's kind over the script's own window; None when it is too short to tell."""
    window = script_window(stats)
    if window.elapsed_s < MIN_ELAPSED_S or window.samples < MIN_SAMPLES:
        return None
    busy = window.utilisation
    rate = window.moved_bytes / window.elapsed_s
    if window.waiting_share >= DISK_WAIT:
        kind = IO
    elif busy >= CPU_BOUND or window.running_share >= CPU_BOUND:
        kind = CPU  # runnable but not running is still CPU-bound: the machine was busy
    elif rate >= DISK_RATE:
        kind = IO
    elif busy < WAITING:
        kind = WAIT
    else:
        kind = MIXED
    return RunKind(kind, stats.max_rss_bytes >= MEMORY_HEAVY, window)
