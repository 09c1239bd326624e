"""Plain-text tables for the terminal: a benchmark (`reporter bench`), the hottest lines
(`reporter lines`), the headline figures (`reporter summary`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional

from reporter.analysis import bench
from reporter.analysis.lines import MIN_SAMPLES, LineRow, hottest
from reporter.analysis.verdict import level
from reporter.render.format import seconds, size, where
from reporter.results import Benchmark


def benchmark_table(result: Benchmark) -> str:
    """One line per case: net median and quartiles, ratio and verdict with its interval."""
    header = (f"{'variant':18} {'operation':20} {'net median':>11} {'net IQR':>17} "
              f"{'ratio':>7} rounds  verdict against the baseline "
              f"({level(result.confidence)} interval)")
    lines = [header, "-" * len(header)]
    for timing in result.cases:
        stats = timing.net_stats or timing.stats
        if not timing.supported or stats is None:
            lines.append(f"{timing.variant:18} {timing.operation:20} not supported: "
                         f"{timing.reason}")
            continue
        q1, q3 = stats.quartiles
        ratio = bench.ratio(result, timing)
        found = bench.verdict(result, timing)
        flag = "" if timing.variant == bench.variants(result)[0] or found is None \
            else f"  {found.describe()}"
        lines.append(
            f"{timing.variant:18} {timing.operation:20} {stats.median * 1e9:9.2f}ns "
            f"{q1 * 1e9:7.2f}-{q3 * 1e9:7.2f}ns "
            f"{'' if ratio is None else f'{ratio:6.2f}x'} {len(timing.values_s):6d}"
            f" of {timing.processes}{flag}")
    if result.memory:
        lines += ["", f"{'variant':18} {'bytes/instance':>15} {'getsizeof':>10} "
                      f"{'__dict__':>9}  allocations per instance (size: count)"]
        for memory in result.memory:
            if not memory.supported:
                lines.append(f"{memory.variant:18} not supported: {memory.reason}")
                continue
            allocations = ", ".join(f"{size} B: {count:.3g}"
                                    for size, count in bench.per_instance_allocations(memory))
            lines.append(f"{memory.variant:18} {memory.bytes_per_instance:15.1f} "
                         f"{memory.getsizeof:10d} {memory.dict_bytes or '-':>9}  {allocations}")
    lines += ["", *bench.conclusions(result)]
    return "\n".join(lines)


def lines_table(name: str, rows: Sequence[LineRow], top: int) -> str:
    """A workload's hottest lines by CPU time, by memory at the peak and by memory at exit."""
    out = [f"== {name}"]
    by_time = hottest(rows, "time_share_with_calls", top)
    if by_time:
        out += ["", "CPU time (main thread, sampled; 95% interval; own = as the innermost line)",
                f"{'with calls':>10} {'interval':>9} {'own':>6}  {'line':32} source"]
        for row in by_time:
            low, high = row.interval
            own = f"{100 * row.time_share:5.1f}%" if row.timed_own else f"{'-':>6}"
            share = 100 * row.time_share_with_calls
            figure = (f"{share:9.1f}% {100 * low:3.0f}-{100 * high:3.0f}% {own}" if row.timed
                      else f"{'<' + str(MIN_SAMPLES) + ' samples':>26}")
            out.append(f"{figure}  {where(row):32} {row.source}")
    for measure, title in (("peak_bytes", "Memory live at the peak (memray)"),
                           ("exit_bytes", "Memory still allocated at exit (memray)")):
        found = hottest(rows, measure, top)
        if found:
            out += ["", title, f"{'bytes':>10} {'own':>10}  {'line':32} source"]
            own = "own_" + measure
            out += [f"{size(getattr(r, measure)):>10} {size(getattr(r, own)):>10}  "
                    f"{where(r):32} {r.source}" for r in found]
    if len(out) == 1:
        out.append("no per-line figures (no clean lines or memray run)")
    return "\n".join(out)


def summary_table(records: Sequence[dict[str, Any]]) -> str:
    """One line per script: status, wall time, CPU, memory, I/O, gc and the hottest function."""
    header = (f"{'script':24} {'status':7} {'wall':>9} {'cores':>5} {'peak RSS':>10} "
              f"{'memray peak':>11} {'disk I/O':>10} {'procs':>5} {'gc':>5}  hottest function")
    out = [header, "-" * len(header)]
    for r in records:
        moved = (r["read_bytes"] or 0) + (r["write_bytes"] or 0) \
            if r["read_bytes"] is not None else None
        out.append(
            f"{r['name'][:24]:24} {r['status']:7} {seconds(r['wall_s']):>9} "
            f"{_maybe(r['cpu_utilisation'], '{:.2f}'):>5} {size(r['peak_rss_bytes']):>10} "
            f"{size(r['peak_bytes']):>11} {size(moved):>10} "
            f"{_maybe(r['child_processes'], '{}'):>5} "
            f"{_maybe(r['gc_time_share'], '{:.0%}'):>5}  {r['hottest_function'] or '–'}")
    return "\n".join(out)


def _maybe(value: Optional[float], form: str) -> str:
    return "–" if value is None else form.format(value)
