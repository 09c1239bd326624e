"""Benchmark results as a plain-text table, for the terminal (`reporter bench`)."""

from __future__ import annotations

from reporter.analysis import bench
from reporter.analysis.verdict import level
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
