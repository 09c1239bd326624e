"""Benchmark results as a plain-text table, for the terminal (`reporter bench`)."""

from __future__ import annotations

from reporter.analysis import bench
from reporter.results import Benchmark


def benchmark_table(result: Benchmark) -> str:
    """One line per case: median, IQR, coefficient of variation, ratio and verdict."""
    header = (f"{'variant':18} {'operation':20} {'median':>10} {'IQR':>17} {'CV':>6} "
              f"{'ratio':>7}  n  verdict against the baseline (95% interval)")
    lines = [header, "-" * len(header)]
    for timing in result.cases:
        stats = timing.stats
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
            f"{timing.variant:18} {timing.operation:20} {stats.median * 1e9:8.2f}ns "
            f"{q1 * 1e9:7.2f}-{q3 * 1e9:7.2f}ns "
            f"{100 * bench.coefficient_of_variation(timing.values_s):5.1f}% "
            f"{'' if ratio is None else f'{ratio:6.2f}x'} {len(timing.values_s):3d}"
            f" ({timing.processes} processes){flag}")
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
