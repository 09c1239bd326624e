"""memray: every allocation, Python objects included, with the stack that made it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import memray
from memray._memray import compute_statistics  # what `memray stats` uses; C++, one pass

from reporter.errors import ArtifactError
from reporter.profilers.base import is_harness, register
from reporter.results import AllocationSite, MemraySummary

StackFrame = tuple[str, str, int]


class MemrayProfiler:
    """Allocation tracking with memray, Python allocators traced so single objects are seen."""

    name: ClassVar[str] = "memray"
    suffix: ClassVar[str] = ".memray.bin"
    top: int = 15

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Track allocations made inside the block; memray closes the capture on exit."""
        with memray.Tracker(artifact, trace_python_allocators=True, native_traces=False):
            yield

    def summarize(self, artifact: Path) -> MemraySummary:
        """Peak, leaks and totals, each from memray's own aggregating readers."""
        try:
            reader = memray.FileReader(artifact)
            meta = reader.metadata
            at_peak = list(reader.get_high_watermark_allocation_records(merge_threads=True))
            leaked = list(reader.get_leaked_allocation_records(merge_threads=True))
            stats = compute_statistics(str(artifact), report_progress=False, num_largest=self.top)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable memray capture ({exc})") from exc
        return MemraySummary(
            peak_bytes=meta.peak_memory,
            total_bytes=stats.total_memory_allocated,
            total_allocations=stats.total_num_allocations,
            leaked_bytes=sum(r.size for r in leaked),
            leaked_allocations=sum(r.n_allocations for r in leaked),
            python_allocator=meta.python_allocator,
            traces_python_allocators=meta.trace_python_allocators,
            allocations_by_allocator=dict(sorted(stats.allocation_count_by_allocator.items())),
            top_at_peak=top_sites(_sites(at_peak), self.top),
            top_leaked=top_sites(_sites(leaked), self.top),
            top_by_total_bytes=[
                AllocationSite(function=fn, file=file, line=line, bytes=size, allocations=0,
                               allocators=[], stack=[])
                for (fn, file, line), size in stats.top_locations_by_size
                if not is_harness(file)
            ],
        )


def _sites(records: Iterable[Any]) -> Iterator[tuple[list[StackFrame], int, int, str]]:
    for record in records:
        allocator = memray.AllocatorType(record.allocator).name
        yield record.stack_trace(), record.size, record.n_allocations, allocator


def user_stack(stack: list[StackFrame]) -> list[StackFrame]:
    """The innermost frames up to where our harness called the script."""
    for depth, (_, file, _) in enumerate(stack):
        if is_harness(file):
            return stack[:depth]
    return stack


def top_sites(records: Iterable[tuple[list[StackFrame], int, int, str]],
              top: int) -> list[AllocationSite]:
    """Group (stack, bytes, count, allocator) records by the line that allocated, biggest first."""
    by_line: dict[StackFrame, AllocationSite] = {}
    allocators: dict[StackFrame, set[str]] = defaultdict(set)
    for stack, size, count, allocator in records:
        frames = user_stack(stack)
        if not frames:
            continue  # made by the harness itself (compiling the script), not by the user
        where = frames[0]
        site = by_line.setdefault(where, AllocationSite(
            function=where[0], file=where[1], line=where[2], bytes=0, allocations=0,
            allocators=[], stack=[f"{fn} ({file}:{line})" for fn, file, line in frames[1:6]],
        ))
        site.bytes += size
        site.allocations += count
        allocators[where].add(allocator)
    for where, site in by_line.items():
        site.allocators = sorted(allocators[where])
    return sorted(by_line.values(), key=lambda s: -s.bytes)[:top]


register(MemrayProfiler())
