"""Pure functions over benchmark results: pooling, ratios, memory anatomy, and the verdicts.

A case is compared with the baseline variant's case of the same operation through
`verdict.compare_samples`: a ratio of medians with a 95% bootstrap interval, read against the
±2% band (faster, slower, the same, undecided), as every comparison in the report is.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, Optional

from reporter.analysis import mechanism, pymalloc
from reporter.analysis.verdict import (BAND, CONFIDENCE, FASTER, SAME, SLOWER, UNDECIDED,
                                       UNSUPPORTED, WORDS, Verdict, compare_samples,
                                       process_verdict, unsupported)
from reporter.errors import reads
from reporter.results import Benchmark, CaseTiming, InstanceMemory, InstructionReading
from reporter.serial import from_data
from reporter.vocabulary import VerdictWord


@reads("benchmark results")
def merge(timings: Iterable[dict[str, Any]], memory: Optional[dict[str, Any]]) -> Benchmark:
    """Pool every timing process's rounds per case; attach the memory measurements."""
    pooled = Benchmark(cases=[], memory=[], gc_enabled=True, budget_s=0.0, spent_s=0.0)
    loops: dict[str, list[float]] = {}
    for result in timings:
        _pool(pooled, result)
        for empty in result.get("empty", []):
            loops.setdefault(str(empty["operation"]), []).extend(
                float(v) for v in empty["values_s"])
    pooled.loop_s = {op: statistics.median(v) for op, v in loops.items() if v}
    pooled.memory = [from_data(InstanceMemory, m, "instance")
                     for m in (memory or {}).get("instances", [])]
    stats = pymalloc.parse_or_none((memory or {}).get("mallocstats"))
    if stats:
        pooled.pymalloc_alignment, pooled.pymalloc_threshold = stats.alignment, stats.threshold
    return pooled


def _pool(pooled: Benchmark, result: dict[str, Any]) -> None:
    """Add one timing process's cases, rounds and effort to what is pooled so far."""
    for measured in result.get("cases", []):
        found = from_data(CaseTiming, {**measured, "processes": 1, "ratios": [],
                                       "readings": []}, "case")
        known = case(pooled, found.variant, found.operation)
        if known is None:
            known = replace(found, processes=0, values_s=[], net_values_s=[], ratios=[],
                            runs=[])
            pooled.cases.append(known)
        known.values_s.extend(found.values_s)
        known.net_values_s.extend(found.net_values_s)
        known.ratios.append([float(r) for r in measured.get("ratios", [])])
        known.runs.append(len(found.values_s))
        known.processes += 1
        for reading in measured.get("readings", []):
            _pool_reading(known, reading)
    for operation, count in result.get("rounds", {}).items():
        pooled.rounds[str(operation)] = pooled.rounds.get(str(operation), 0) + int(count)
    pooled.budget_s = float(result.get("budget_s", pooled.budget_s))
    pooled.spent_s += float(result.get("spent_s", 0.0))
    pooled.confidence = float(result.get("confidence", CONFIDENCE))
    pooled.min_rounds = int(result.get("min_rounds", pooled.min_rounds))


def _pool_reading(timing: CaseTiming, reading: dict[str, Any]) -> None:
    """Add one process's reading of the case's instructions; alike readings are kept once,
    with every moment that read them."""
    found = from_data(InstructionReading, {
        "instructions": [dict(zip(("name", "base", "where", "specialised"), i))
                         for i in reading.get("instructions", [])],
        "hidden": reading.get("hidden", ""), "moments": []}, "reading")
    moment = f"process {timing.processes} {reading.get('moment', '')}".strip()
    same = next((r for r in timing.readings if (r.instructions, r.hidden)
                 == (found.instructions, found.hidden)), None)
    if same is None:
        timing.readings.append(same := found)
    same.moments.append(moment)


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
    """This case against the baseline variant's for the same operation: the median of each
    process's median paired net ratio, or (for results without them) the ratio of raw
    medians."""
    if any(timing.ratios):
        return statistics.median(statistics.median(r) for r in timing.ratios if r)
    base = case(bench, variants(bench)[0], timing.operation)
    if not (base and base.stats and timing.stats and base.stats.median):
        return None
    return timing.stats.median / base.stats.median


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
    name = memory.variant if memory.variant == memory.type_name else \
        f"{memory.variant} ({memory.type_name})"
    parts = [f"{name}: a {memory.getsizeof} B object ({layout})"
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


def verdict(bench: Benchmark, timing: CaseTiming) -> Optional[Verdict]:
    """How this case compares with the baseline variant's case of the same operation; None
    where the baseline has no such operation (nothing to compare with)."""
    if not timing.supported:
        return unsupported()
    base = case(bench, variants(bench)[0], timing.operation)
    if base is None:
        return None
    if any(timing.ratios):
        return process_verdict(timing.ratios, bench.confidence)
    if not base.values_s or not timing.values_s or timing is base:
        return Verdict(UNDECIDED)
    return compare_samples(base.values_s, timing.values_s)


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
    how = mechanism.mechanisms(bench, base)
    by_word: dict[VerdictWord, list[str]] = {word: [] for word in WORDS}
    noise = ""
    for timing in bench.cases:
        if timing.operation != operation or timing.variant == base:
            continue
        found = verdict(bench, timing)
        if found is None:
            continue
        if timing.control:
            noise = f"{timing.variant}, the control, " + (
                f"{found.ratio:.2f}× ({found.low:.2f}–{found.high:.2f}×): this machine's noise"
                if found.ratio and found.low and found.high else "too few values for its noise")
        elif found.word == UNSUPPORTED:
            by_word[UNSUPPORTED].append(timing.variant)
        elif found.ratio is None or found.low is None or found.high is None:
            by_word[UNDECIDED].append(f"{timing.variant} (too few values)")
        else:
            why = mechanism.short(how.get((timing.variant, operation)), base) \
                if found.word in (SAME, UNDECIDED) else ""
            by_word[found.word].append(f"{timing.variant} ({found.ratio:.2f}×, "
                                       f"{found.low:.2f}–{found.high:.2f}×"
                                       f"{'; ' + why if why else ''})")
    net = baseline.net_stats
    parts = [f"{operation}: {base} takes {net.median * 1e9:.1f} ns net of the timing loop"
             if net else f"{operation}: {base} takes {baseline.stats.median * 1e9:.1f} ns"]
    band = f"±{BAND:.0%}"
    labels = {FASTER: FASTER.value, SLOWER: SLOWER.value, SAME: f"the same within {band}",
              UNDECIDED: f"undecided (the interval straddles the {band} band)",
              UNSUPPORTED: "not supported by"}
    parts += [f"{labels[word]}: {', '.join(names)}" for word, names in by_word.items() if names]
    return "; ".join(parts + ([noise] if noise else [])) + "."


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
