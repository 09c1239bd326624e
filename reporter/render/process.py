"""The Process section: what top, atop and iotop would have shown of a run, in charts, and
one sentence on what the run was doing (the rule is `analysis.process`), with its figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from reporter.analysis.process import CPU, IO, MEMORY, WAIT, Window, kind_of, script_window
from reporter.render.charts import line_chart
from reporter.render.format import percent, seconds, size
from reporter.results import Col, ProcessStats, RunRecord, WorkloadResult

CPU_WINDOW_S = 0.1


@dataclass
class ProcessKind:
    """The run's kind and the sentence that says it with its figures."""

    kind: str
    sentence: str


def classify(stats: ProcessStats) -> Optional[ProcessKind]:
    """The run's kind (`analysis.process.kind_of`) in a sentence with the figures it was read
    from; None when the run was too short to tell."""
    found = kind_of(stats)
    if found is None:
        return None
    window, kind = found.window, found.kind
    busy = window.utilisation
    rate = window.moved_bytes / window.elapsed_s
    where = "over the process's whole life" if window.whole else "while the script ran"
    figures = (f"{seconds(window.user_s + window.system_s)} of CPU (user "
               f"{seconds(window.user_s)}, system {seconds(window.system_s)}) in "
               f"{seconds(window.elapsed_s)} {where}, {busy:.2f} cores busy on average")
    if kind == IO:
        why = (f"{size(window.moved_bytes)} read and written through the storage layer "
               f"({size(rate)}/s), {percent(window.waiting_share, 1)} of samples waiting on "
               f"the disk, and {figures}")
    elif kind == CPU:
        why = (f"{figures}, running or ready to run in {percent(window.running_share, 1)} of "
               f"samples" + (f", over {len(stats.children) + 1} processes"
                             if stats.children and busy > 1.05 else ""))
    elif kind == WAIT:
        why = (f"{figures}: for the rest it slept or waited on something other than the "
               f"disk (a sleep, input, a lock, the network, another process)")
    else:
        why = f"{figures}: part computing, part waiting"
    sentence = f"{kind[0].upper()}{kind[1:]}: {why}."
    if found.memory_heavy:
        sentence += (f" Memory-heavy too: {size(stats.max_rss_bytes)} resident at the peak, "
                     f"{stats.major_faults:,} major page faults.")
        kind = f"{kind}, {MEMORY}"
    return ProcessKind(kind, sentence)


@dataclass
class ProcessView:
    """The section's content: the run it shows, what it was doing and its charts."""

    run: RunRecord
    stats: ProcessStats
    kind: Optional[ProcessKind]
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
        run=run, stats=stats, kind=classify(stats), window=window,
        cpu=with_marks(cpu_chart(points), marks),
        memory=with_marks(line_chart({"RSS, main process": column(points, Col.RSS),
                                      "RSS, every process": column(points, Col.TREE_RSS)},
                                     x_unit="seconds", y_unit="bytes"), marks),
        virtual=line_chart({"VIRT, main process": column(points, Col.VMS)}, height=60,
                           x_unit="seconds", y_unit="bytes"),
        threads=line_chart({"threads, main process": column(points, Col.THREADS)},
                           height=60, x_unit="seconds"),
        io=with_marks(line_chart({"read (storage)": column(points, Col.READ),
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
    return line_chart({"system": total, "user": user}, x_unit="seconds", stacked=True)
