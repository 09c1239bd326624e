"""Pure functions over benchmark results: pooling, ratios, what can be ranked, and the verdict.

A ranking is only stated where the data supports it: two cases are told apart when their
interquartile ranges do not overlap; a case whose spread is wide is flagged, not ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional

from reporter.analysis import pymalloc
from reporter.errors import reads
from reporter.results import Benchmark, CaseTiming, InstanceMemory, TimingStats, from_data

WIDE_SPREAD = 0.05  # an IQR over 5% of the median is too wide to rank on
SAME = 0.02  # medians within 2% of each other are called the same, told apart or not


@reads("benchmark results")
def merge(timings: Iterable[dict[str, Any]], memory: Optional[dict[str, Any]]) -> Benchmark:
    """Pool the values of every timing process per case; attach the memory measurements."""
    pooled: dict[tuple[str, str], CaseTiming] = {}
    processes = 0
    for result in timings:
        processes += 1
        for measured in result.get("cases", []):
            key = (str(measured["variant"]), str(measured["operation"]))
            known = pooled.get(key)
            if known is None:
                pooled[key] = from_data(CaseTiming, {**measured, "processes": 1}, "case")
            else:
                known.values_s.extend(float(v) for v in measured["values_s"])
                known.processes += 1
    instances = [from_data(InstanceMemory, m, "instance")
                 for m in (memory or {}).get("instances", [])]
    stats = pymalloc.parse_or_none((memory or {}).get("mallocstats"))
    return Benchmark(cases=list(pooled.values()), memory=instances, gc_enabled=True,
                     pymalloc_alignment=stats.alignment if stats else 0,
                     pymalloc_threshold=stats.threshold if stats else 0)


def variants(bench: Benchmark) -> list[str]:
    """Variants in declaration order; the first is the baseline."""
    return list(dict.fromkeys([c.variant for c in bench.cases] + [m.variant for m in bench.memory]))


def operations(bench: Benchmark) -> list[str]:
    """Operations in declaration order."""
    return list(dict.fromkeys(c.operation for c in bench.cases))


def case(bench: Benchmark, variant: str, operation: str) -> Optional[CaseTiming]:
    """The case of that variant and operation, if declared."""
    return next((c for c in bench.cases if (c.variant, c.operation) == (variant, operation)),
                None)


def ratio(bench: Benchmark, timing: CaseTiming) -> Optional[float]:
    """Median time over the baseline variant's median for the same operation."""
    base = case(bench, variants(bench)[0], timing.operation)
    if not (base and base.stats and timing.stats and base.stats.median):
        return None
    return timing.stats.median / base.stats.median


def wide(timing: CaseTiming) -> bool:
    """True when the spread is too wide to rank this case against others."""
    return timing.stats is not None and timing.stats.relative_iqr > WIDE_SPREAD


def distinct(a: TimingStats, b: TimingStats) -> bool:
    """Whether two timings are told apart: their interquartile ranges do not overlap."""
    (a1, a3), (b1, b3) = a.quartiles, b.quartiles
    return a3 < b1 or b3 < a1


def coefficient_of_variation(values: Sequence[float]) -> float:
    """Standard deviation over mean, the spread pyperf reports."""
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return variance ** 0.5 / mean if mean else 0.0


def size_class(size: int, alignment: int, threshold: int) -> Optional[int]:
    """The pymalloc block size a request of `size` bytes gets; None above the threshold."""
    if not alignment or size > threshold:
        return None
    return max(-(-size // alignment) * alignment, alignment)


def per_instance_allocations(memory: InstanceMemory) -> list[tuple[int, float]]:
    """(request size, allocations per instance) for the sizes every instance makes."""
    return [(size, count / memory.instances) for size, count in memory.allocation_sizes
            if memory.instances and count >= memory.instances / 2]


def anatomy(memory: InstanceMemory, alignment: int, threshold: int) -> str:
    """Why an instance costs what it does, in the words of the lecture, from measured sizes."""
    def block(size: int) -> str:
        cls = size_class(size, alignment, threshold)
        return f"pymalloc's {cls} B class" if cls else "malloc (too big for pymalloc)"

    layout = f"{memory.basicsize} B struct"
    if memory.item_bytes:
        layout += f" + {memory.item_bytes} B of items"
    if memory.pre_header:
        layout += f" + {memory.pre_header} B in front: the GC's links"
        if memory.pre_header > 16:
            layout += ", the dict and values pointers"
    allocations = per_instance_allocations(memory)
    own = min(allocations, key=lambda a: abs(a[0] - memory.getsizeof), default=None)
    parts = [f"{memory.type_name}: a {memory.getsizeof} B object ({layout})"
             + (f", allocated as {own[0]} B in {block(own[0])}" if own else "")]
    parts += [f"plus {count:.3g} × {size} B per instance, in {block(size)}"
              for size, count in allocations if (size, count) != own]
    parts.append(f"a {memory.dict_bytes} B instance dict only once code touches __dict__"
                 if memory.dict_bytes else "no instance dict")
    parts.append("a __weakref__ slot" if memory.weakref_slot else
                 "no __weakref__ slot (it cannot be weakly referenced)")
    return "; ".join(parts) + "."


def block_bytes(memory: InstanceMemory, alignment: int, threshold: int) -> float:
    """Bytes per instance counted in whole pymalloc blocks: what the arenas really hold."""
    if not memory.instances:
        return 0.0
    total = sum((size_class(size, alignment, threshold) or size) * count
                for size, count in memory.allocation_sizes)
    return total / memory.instances


def conclusions(bench: Benchmark) -> list[str]:
    """Plain-language findings, each drawn from the measured numbers of this run."""
    names = variants(bench)
    if not names:
        return []
    base = names[0]
    found = [_operation_finding(bench, op, base) for op in operations(bench)]
    found.append(_memory_finding(bench, base))
    return [f for f in found if f]


def _operation_finding(bench: Benchmark, operation: str, base: str) -> str:
    baseline = case(bench, base, operation)
    if baseline is None or baseline.stats is None:
        return ""
    faster, slower, same, unsupported = [], [], [], []
    for timing in bench.cases:
        if timing.operation != operation or timing.variant == base:
            continue
        if not timing.supported:
            unsupported.append(timing.variant)
        elif timing.stats and distinct(timing.stats, baseline.stats) and not wide(timing) \
                and abs(timing.stats.median / baseline.stats.median - 1) >= SAME:
            factor = timing.stats.median / baseline.stats.median
            (faster if factor < 1 else slower).append(f"{timing.variant} ({factor:.2f}×)")
        else:
            same.append(timing.variant)
    parts = [f"{operation}: {base} takes {baseline.stats.median * 1e9:.1f} ns"]
    if faster:
        parts.append("faster: " + ", ".join(faster))
    if slower:
        parts.append("slower: " + ", ".join(slower))
    if same:
        parts.append("the same within 2% or within the noise: " + ", ".join(same))
    if unsupported:
        parts.append("not supported by: " + ", ".join(unsupported))
    return "; ".join(parts) + "."


def _memory_finding(bench: Benchmark, base: str) -> str:
    sized = [m for m in bench.memory if m.supported]
    baseline = next((m for m in sized if m.variant == base), None)
    if baseline is None or len(sized) < 2:
        return ""
    ordered = sorted(sized, key=lambda m: m.bytes_per_instance)
    smallest = ordered[0]
    text = [f"memory: {base} needs {baseline.bytes_per_instance:.0f} bytes per instance"]
    text.append(", ".join(f"{m.variant} {m.bytes_per_instance:.0f} "
                          f"({m.bytes_per_instance / baseline.bytes_per_instance:.2f}×)"
                          for m in sized if m is not baseline))
    text.append(f"the smallest is {smallest.variant}"
                + (", which has no instance dict" if smallest.dict_bytes is None else ""))
    return "; ".join(text) + "."
