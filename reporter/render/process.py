"""The Process section: what top, atop and iotop would have shown of a run, in charts, and
one sentence on what the run was doing, from what the system saw of it.

On this kind of machine neither `wchan` nor the scheduler's delay accounting says what a
process waits for, so the rule reads what is there: CPU seconds against wall seconds, the
share of samples with a process in state D (waiting on the disk) or R (running, or ready to
run and waiting for a core, which keeps a CPU-bound run CPU-bound on a busy machine), the bytes
moved through the storage layer, and the peak resident set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from reporter.render.charts import lines
from reporter.render.format import percent, seconds, size
from reporter.results import ProcessStats, RunRecord, WorkloadResult

MIN_ELAPSED_S = 0.2  # shorter, and interpreter start-up is most of what was measured
MIN_SAMPLES = 10
CPU_BOUND = 0.8  # cores' worth of CPU per wall second
WAITING = 0.3
DISK_WAIT = 0.2  # share of samples in state D
DISK_RATE = 10 * 2**20  # bytes per second through the storage layer
MEMORY_HEAVY = 1 * 2**30
CPU_WINDOW_S = 0.05

CPU, IO, WAIT, MIXED, MEMORY = ("CPU-bound", "I/O-bound", "sleeping or waiting", "mixed",
                                "memory-heavy")


@dataclass
class Verdict:
    """The run's kind and the sentence that says it with its figures."""

    kind: str
    sentence: str


def classify(stats: ProcessStats) -> Optional[Verdict]:
    """CPU-bound, I/O-bound, sleeping or waiting, or mixed, and memory-heavy beside any of
    them; None when the run is too short to tell."""
    if stats.elapsed_s < MIN_ELAPSED_S or len(stats.series) < MIN_SAMPLES:
        return None
    busy = stats.utilisation
    moved = stats.read_bytes + stats.write_bytes
    rate = moved / stats.elapsed_s
    figures = (f"{seconds(stats.cpu_s)} of CPU (user {seconds(stats.user_s)}, system "
               f"{seconds(stats.system_s)}) in {seconds(stats.elapsed_s)}, "
               f"{busy:.2f} cores busy on average")
    io_why = (f"{size(moved)} read and written through the storage layer ({size(rate)}/s), "
              f"{percent(stats.waiting_share, 1)} of samples waiting on the disk, and {figures}")
    if stats.waiting_share >= DISK_WAIT:
        kind, why = IO, io_why
    elif busy >= CPU_BOUND or stats.running_share >= CPU_BOUND:
        # Runnable but not running is still CPU-bound: the machine was busy with others.
        kind = CPU
        why = (f"{figures}, running or ready to run in {percent(stats.running_share, 1)} of "
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
    return Verdict(kind, sentence)


@dataclass
class ProcessView:
    """The section's content: the run it shows, its verdict and its three charts."""

    run: RunRecord
    stats: ProcessStats
    verdict: Optional[Verdict]
    cpu: dict[str, Any]
    memory: dict[str, Any]
    io: dict[str, Any]
    threads: dict[str, Any]


def process_view(workload: WorkloadResult) -> Optional[ProcessView]:
    """The middle bare run's process view; None without one."""
    run = workload.middle_run
    if run is None or run.process is None:
        return None
    stats = run.process
    points = stats.series
    return ProcessView(
        run=run, stats=stats, verdict=classify(stats), cpu=cpu_chart(points),
        memory=lines({"RSS, main process": [[p[0], p[3]] for p in points],
                      "RSS, every process": [[p[0], p[4]] for p in points],
                      "VIRT, main process": [[p[0], p[5]] for p in points]},
                     x_unit="seconds", y_unit="bytes"),
        threads=lines({"threads, main process": [[p[0], p[6]] for p in points]},
                      height=60, x_unit="seconds"),
        io=lines({"read (storage)": [[p[0], p[10]] for p in points],
                  "written (storage)": [[p[0], p[11]] for p in points],
                  "read (all calls)": [[p[0], p[8]] for p in points],
                  "written (all calls)": [[p[0], p[9]] for p in points]},
                 x_unit="seconds", y_unit="bytes"),
    )


def cpu_chart(points: list[list[float]], window_s: float = CPU_WINDOW_S) -> dict[str, Any]:
    """CPU utilisation in % of one core, user and system stacked. The kernel counts CPU time
    in 10 ms ticks, as often as the samples come, so rates are taken over windows of at least
    `window_s`, or every point would read 0% or 100%."""
    user, total = [], []
    start = points[0] if points else None
    for point in points[1:]:
        assert start is not None
        spent = point[0] - start[0]
        if spent < window_s and point is not points[-1]:
            continue
        if spent > 0:
            used = max(point[1] - start[1], 0.0)
            user.append([point[0], 100 * used / spent])
            total.append([point[0], 100 * (used + max(point[2] - start[2], 0.0)) / spent])
        start = point
    return lines({"system": total, "user": user}, x_unit="seconds", stacked=True)
