"""The Process section: what top, atop and iotop would have shown of a run, in charts, and
one sentence on what the run was doing, from what the system saw of it.

The sentence reads the script's own window: the child's whole life also holds the interpreter
starting and our harness, which would dilute a short script's figures. On this kind of machine
neither `wchan` nor the scheduler's delay accounting says what a
process waits for, so the rule reads what is there: CPU seconds against wall seconds, the
share of samples with a process in state D (waiting on the disk) or R (running, or ready to
run and waiting for a core, which keeps a CPU-bound run CPU-bound on a busy machine), the bytes
moved through the storage layer, and the peak resident set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from reporter.analysis import series
from reporter.render.charts import lines
from reporter.render.format import percent, seconds, size
from reporter.results import Col, ProcessStats, RunRecord, WorkloadResult

MIN_ELAPSED_S = 0.2  # shorter, and interpreter start-up is most of what was measured
MIN_SAMPLES = 10
CPU_BOUND = 0.8  # cores' worth of CPU per wall second
WAITING = 0.3
DISK_WAIT = 0.2  # share of samples in state D
DISK_RATE = 10 * 2**20  # bytes per second through the storage layer
MEMORY_HEAVY = 1 * 2**30
CPU_WINDOW_S = 0.1

CPU, IO, WAIT, MIXED, MEMORY = ("CPU-bound", "I/O-bound", "sleeping or waiting", "mixed",
                                "memory-heavy")


@dataclass
class ProcessKind:
    """The run's kind and the sentence that says it with its figures."""

    kind: str
    sentence: str


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


def classify(stats: ProcessStats) -> Optional[ProcessKind]:
    """CPU-bound, I/O-bound, sleeping or waiting, or mixed, and memory-heavy beside any of
    them, read over the script's own window; None when it is too short to tell."""
    window = script_window(stats)
    if window.elapsed_s < MIN_ELAPSED_S or window.samples < MIN_SAMPLES:
        return None
    busy = window.utilisation
    rate = window.moved_bytes / window.elapsed_s
    where = "over the process's whole life" if window.whole else "while the script ran"
    figures = (f"{seconds(window.user_s + window.system_s)} of CPU (user "
               f"{seconds(window.user_s)}, system {seconds(window.system_s)}) in "
               f"{seconds(window.elapsed_s)} {where}, {busy:.2f} cores busy on average")
    io_why = (f"{size(window.moved_bytes)} read and written through the storage layer "
              f"({size(rate)}/s), {percent(window.waiting_share, 1)} of samples waiting on "
              f"the disk, and {figures}")
    if window.waiting_share >= DISK_WAIT:
        kind, why = IO, io_why
    elif busy >= CPU_BOUND or window.running_share >= CPU_BOUND:
        # Runnable but not running is still CPU-bound: the machine was busy with others.
        kind = CPU
        why = (f"{figures}, running or ready to run in {percent(window.running_share, 1)} of "
               f"samples" + (f", over {len(stats.children) + 1} processes"
                             if stats.children and busy > 1.05 else ""))
    elif rate >= DISK_RATE:
        kind, why = IO, io_why
    elif busy < WAITING:
        kind = WAIT
        why = (f"{figures}: for the rest it slept or waited on something other than the "
               f"disk (a sleep, input, a lock, the network, another process)")
    else:
        kind = MIXED
        why = f"{figures}: part computing, part waiting"
    sentence = f"{kind[0].upper()}{kind[1:]}: {why}."
    if stats.max_rss_bytes >= MEMORY_HEAVY:
        sentence += (f" Memory-heavy too: {size(stats.max_rss_bytes)} resident at the peak, "
                     f"{stats.major_faults:,} major page faults.")
        kind = f"{kind}, {MEMORY}"
    return ProcessKind(kind, sentence)


@dataclass
class ProcessView:
    """The section's content: the run it shows, its verdict and its three charts."""

    run: RunRecord
    stats: ProcessStats
    verdict: Optional[ProcessKind]
    cpu: dict[str, Any]
    memory: dict[str, Any]
    io: dict[str, Any]
    threads: dict[str, Any]
    virtual: dict[str, Any]
    window: Window


def process_view(workload: WorkloadResult) -> Optional[ProcessView]:
    """The middle bare run's process view; None without one."""
    run = workload.middle_run
    if run is None or run.process is None:
        return None
    stats = run.process
    points = stats.series
    window = script_window(stats)
    marks = [] if window.whole else [(stats.script_start_s, "script starts"),
                                     (stats.script_end_s, "ends")]
    return ProcessView(
        run=run, stats=stats, verdict=classify(stats), window=window,
        cpu=with_marks(cpu_chart(points), marks),
        memory=with_marks(lines({"RSS, main process": column(points, Col.RSS),
                                 "RSS, every process": column(points, Col.TREE_RSS)},
                                x_unit="seconds", y_unit="bytes"), marks),
        virtual=lines({"VIRT, main process": column(points, Col.VMS)}, height=60,
                      x_unit="seconds", y_unit="bytes"),
        threads=lines({"threads, main process": column(points, Col.THREADS)},
                      height=60, x_unit="seconds"),
        io=with_marks(lines({"read (storage)": column(points, Col.READ),
                             "written (storage)": column(points, Col.WRITE),
                             "read (all calls)": column(points, Col.RCHAR),
                             "written (all calls)": column(points, Col.WCHAR)},
                            x_unit="seconds", y_unit="bytes"), marks),
    )


def column(points: list[list[float]], which: int) -> list[list[float]]:
    """One column of the series against time, as a chart takes it."""
    return [[p[Col.T], p[which]] for p in points]


def with_marks(chart: dict[str, Any], marks: list[tuple[float, str]]) -> dict[str, Any]:
    """The chart with vertical marks at the given times (where the script ran)."""
    if chart:
        chart["marks"] = [{"x": round(chart["width"] * t / chart["right"], 1), "label": label}
                          for t, label in marks if 0 <= t <= chart["right"]]
    return chart


def cpu_chart(points: list[list[float]], window_s: float = CPU_WINDOW_S) -> dict[str, Any]:
    """CPU utilisation in % of one core, user and system stacked. The kernel counts CPU time
    in 10 ms ticks, as often as the samples come, so rates are taken over windows of at least
    `window_s`, or every point would read 0% or 100%."""
    user, total = [], []
    start = points[0] if points else None
    for point in points[1:]:
        assert start is not None
        spent = point[Col.T] - start[Col.T]
        if spent < window_s and point is not points[-1]:
            continue
        if spent > 0:
            used = max(point[Col.USER] - start[Col.USER], 0.0)
            system = max(point[Col.SYSTEM] - start[Col.SYSTEM], 0.0)
            user.append([point[Col.T], 100 * used / spent])
            total.append([point[Col.T], 100 * (used + system) / spent])
        start = point
    return lines({"system": total, "user": user}, x_unit="seconds", stacked=True)
