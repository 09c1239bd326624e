"""memray: every allocation, Python objects included, with the stack that made it.

The capture uses memray's aggregated format: the tracker itself keeps, per stack, what was live
at the high-water mark and what was still live at the end, plus periodic memory snapshots. Every
view of the report comes from those few records, read once; the full format would need a pass
over millions of records per view (see the README's figures).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Optional

import memray
from memray._memray import start_thread_trace  # memray's own hook (its stubs say so)

from reporter.analysis import frames, names, series
from reporter.errors import ArtifactError
from reporter.harness import is_decorator, is_import_machinery, is_users
from reporter.profilers.base import BaseProfiler, Measure, is_harness, register, runs_the_script
from reporter.run import handoff
from reporter.vocabulary import GraphKind
from reporter.results import (AllocationSite, CodeLocation, FlameGraph, LineMemory, MemoryPoint,
                              MemraySummary, SizeBin)

StackFrame = tuple[str, str, int]
# Bytes allocated with none of the script's frames on the stack, named by who allocated them.
NO_PYTHON_FRAME = ("[interpreter: no Python frame]", "", 0)
LOADING_SCRIPT = ("[harness: reading and compiling the script]", "", 0)
HARNESS_IMPORTS = ("[harness: modules it imported]", "", 0)
HARNESS_FRAME = ("[harness: its own work]", "", 0)
OUTSIDE_NOTE = ("Bracketed frames at the top are bytes allocated with none of the script's "
                "frames on the stack: runpy reading and compiling the script (its code objects "
                "live until the end), modules the harness imported, the harness's own work, or "
                "the interpreter with no Python frame at all. They are drawn apart so they never "
                "hide the script's own frames.")


@dataclass(frozen=True)
class Allocations:
    """Allocations made from one stack by one allocator: memray's aggregated record."""

    stack: tuple[StackFrame, ...]  # innermost first, as memray gives it
    bytes: int
    count: int
    allocator: str

    @functools.cached_property
    def user(self) -> tuple[StackFrame, ...]:
        """The script's frames of the stack, worked out once for every view that needs it."""
        return user_stack(self.stack)


class MemrayProfiler(BaseProfiler):
    """Allocation tracking with memray, Python allocators traced so single objects are seen."""

    name: ClassVar[str] = "memray"
    suffix: ClassVar[str] = ".memray.bin"
    limit_factor: ClassVar[float] = 15.0  # the homework scripts here: up to 6.5x
    summary: ClassVar[type] = MemraySummary
    scope: ClassVar[str] = "every thread of the main process, every allocation"
    template: ClassVar[str] = "memray.html.j2"
    unseen_words: ClassVar[str] = "stacks missing for what it allocated in"
    diff_graph: ClassVar[str] = GraphKind.MEMORY_PEAK
    top: int = 15

    def capture(self, artifact: Path) -> AbstractContextManager[Any]:
        """Track allocations made inside the block; memray closes the capture on exit."""
        return _Tracking(memray.Tracker(artifact, trace_python_allocators=True,
                                        native_traces=False,
                                        file_format=memray.FileFormat.AGGREGATED_ALLOCATIONS))

    def measures(self, summary: MemraySummary) -> list[Measure]:
        """The peak and what was left at exit, in bytes and in allocations."""
        return [Measure("peak memory", "bytes", summary.peak_bytes),
                Measure("allocations live at the peak", "count", summary.peak_allocations),
                Measure("still allocated at exit", "bytes", summary.exit_bytes),
                Measure("allocations left at exit", "count", summary.exit_allocations)]

    def summarize(self, artifact: Path) -> MemraySummary:
        """Peak, leaks and the memory timeline, each read once from the aggregated capture."""
        try:
            reader = memray.FileReader(artifact)
            meta = reader.metadata
            at_peak = list(_records(reader.get_high_watermark_allocation_records()))
            leaked = list(_records(reader.get_leaked_allocation_records()))
            snapshots = list(reader.get_memory_snapshots())
        except (OSError, RuntimeError, ValueError, NotImplementedError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable memray capture ({exc})") from exc
        return summarize_records(meta.peak_memory, at_peak, leaked, snapshots, self.top,
                                 python_allocator=meta.python_allocator,
                                 traced=meta.trace_python_allocators)


class _Tracking:
    """memray's tracker, whose profile hook (it follows the Python stack with one) goes back
    the moment the script's own profiler lets go of it.

    A class, not a generator: entered from a generator-based context manager, memray loses
    the frames above the generator when it suspends, and stacks come out cut short.
    """

    def __init__(self, tracker: memray.Tracker) -> None:
        self.tracker = tracker
        self.sitting = handoff.sitting(self)

    def __enter__(self) -> None:
        self.tracker.__enter__()
        self.sitting.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        self.sitting.__exit__(*exc)
        return self.tracker.__exit__(*exc)

    def lost(self, frame: Any, tool: str) -> bool:
        """The script took the hook: memray's stacks stay empty until it comes back."""
        del frame, tool
        return True

    def regained(self, frame: Any, recovered: list[Any], name: str) -> None:
        """memray's hook goes back, and its shadow stack is read again from `frame`."""
        del recovered, name
        start_thread_trace(frame, "call", None)


def _records(records: Iterable[Any]) -> Iterator[Allocations]:
    """memray's records, each frame named by its qualified name (memray keeps only co_name).

    Stacks repeat the same frames thousands of times: each is named once and shared.
    """
    named = _NamedFrames()
    allocators: dict[int, str] = {}
    for record in records:
        stack = tuple(map(named.__getitem__, record.stack_trace()))
        allocator = allocators.get(record.allocator)
        if allocator is None:
            allocator = allocators[record.allocator] = memray.AllocatorType(
                record.allocator).name
        yield Allocations(stack, record.size, record.n_allocations, allocator)


class _NamedFrames(dict):  # type: ignore[type-arg]
    """memray's (function, file, line) -> the same frame with its qualified name, made once."""

    def __missing__(self, frame: tuple[str, str, int]) -> StackFrame:
        function, file, line = frame
        named = self[frame] = (names.qualify(file, line, function), file, line)
        return named


def summarize_records(peak: int, at_peak: Sequence[Allocations], leaked: Sequence[Allocations],
                      snapshots: Sequence[Any], top: int, *, python_allocator: str = "pymalloc",
                      traced: bool = True) -> MemraySummary:
    """Every memory view of the report from the capture's aggregated records."""
    by_allocator: dict[str, int] = defaultdict(int)
    for record in at_peak:
        by_allocator[allocator_family(record.allocator)] += record.bytes
    return MemraySummary(
        peak_bytes=peak,
        peak_allocations=sum(r.count for r in at_peak),
        exit_bytes=sum(r.bytes for r in leaked),
        exit_allocations=sum(r.count for r in leaked),
        python_allocator=python_allocator,
        traces_python_allocators=traced,
        bytes_by_allocator_at_peak=dict(sorted(by_allocator.items())),
        top_at_peak=top_sites(at_peak, top),
        lines=line_memory(at_peak, leaked),
        top_at_exit=top_sites(leaked, top),
        timeline=timeline(snapshots),
        sizes_at_peak=size_histogram(at_peak),
        graphs=[
            FlameGraph(GraphKind.MEMORY_PEAK, "Memory live at the peak (bytes)", "bytes",
                       memory_tree(at_peak, "bytes"),
                       note="What was allocated, and from where, at the heap's high-water "
                            "mark. The top frames name the allocator. " + OUTSIDE_NOTE),
            FlameGraph(GraphKind.MEMORY_PEAK_COUNT, "Allocations live at the peak (count)",
                       "allocations", memory_tree(at_peak, "count"), note=OUTSIDE_NOTE),
            FlameGraph(GraphKind.MEMORY_LEAKED, "Memory still allocated when the script ended",
                       "bytes", memory_tree(leaked, "bytes"),
                       note="Module globals and anything they reach are still alive then: "
                            "not every byte here is a leak. " + OUTSIDE_NOTE),
        ],
    )


def allocator_family(allocator: str) -> str:
    """pymalloc for Python's small-object allocator, the C function's name otherwise."""
    return "pymalloc" if allocator.startswith("PYMALLOC") else allocator.lower()


def user_stack(stack: Sequence[StackFrame]) -> tuple[StackFrame, ...]:
    """The script's frames of a stack (innermost first), the profiling decorator's frames and
    the import machinery spliced out (an imported module's `<module>` sits under the line that
    imported it); empty where the harness allocated."""
    kept = []
    for frame in stack:
        kind = _kind(frame[1])
        if kind is _SCRIPT:
            kept.append(frame)
        elif kind is _HARNESS:
            return tuple(kept) if runs_the_script(frame[0], frame[1]) else ()
    return tuple(kept)


_SCRIPT, _SPLICED, _HARNESS = "script", "spliced", "harness"


@functools.lru_cache(maxsize=4096)
def _kind(file: str) -> str:
    """Whose a frame is, by its file: asked for every frame of every record, so remembered."""
    if is_decorator(file) or is_import_machinery(file):
        return _SPLICED  # their callees join their callers
    return _HARNESS if is_harness(file) else _SCRIPT


def outside_frame(stack: Sequence[StackFrame]) -> StackFrame:
    """Who allocated, for a stack with none of the script's frames (innermost first)."""
    if not stack:
        return NO_PYTHON_FRAME
    functions = {function for function, _, _ in stack}
    if functions & {"_get_code_from_file", "_get_main_module_details", "read_code"}:
        return LOADING_SCRIPT
    if any(is_import_machinery(file) for _, file, _ in stack):
        return HARNESS_IMPORTS
    return HARNESS_FRAME


def memory_tree(records: Iterable[Allocations], measure: str) -> Any:
    """A tree from the script's `<module>` down, with the allocator as each stack's last frame;
    what the script did not allocate goes under bracketed frames of their own."""
    def paths() -> Iterator[tuple[list[StackFrame], float]]:
        for record in records:
            stack = list(reversed(record.user)) or [outside_frame(record.stack)]
            stack.append((f"[{allocator_family(record.allocator)}]", "", 0))
            yield stack, float(record.bytes if measure == "bytes" else record.count)

    return frames.from_stacks(frames.cap_depth(paths()), name="<script>",
                              min_fraction=frames.PRUNE_FRACTION)


def top_sites(records: Iterable[Allocations], top: int) -> list[AllocationSite]:
    """Group records by the line that allocated, biggest first, harness allocations left out."""
    by_line: dict[StackFrame, AllocationSite] = {}
    allocators: dict[StackFrame, set[str]] = defaultdict(set)
    for record in records:
        stack = record.user
        if not stack:
            continue  # made by the harness itself (compiling the script), not by the user
        where = stack[0]
        site = by_line.setdefault(where, AllocationSite(
            function=where[0], file=where[1], line=where[2], bytes=0, allocations=0,
            allocators=[], stack=[CodeLocation(*frame) for frame in stack[1:6]],
        ))
        site.bytes += record.bytes
        site.allocations += record.count
        allocators[where].add(allocator_family(record.allocator))
    for where, site in by_line.items():
        site.allocators = sorted(allocators[where])
    return sorted(by_line.values(), key=lambda s: -s.bytes)[:top]


def line_memory(at_peak: Iterable[Allocations], leaked: Iterable[Allocations]) -> list[LineMemory]:
    """Bytes per line of the script's own files, at the peak and at exit: each stack is charged
    to its innermost user line (a library call's bytes to the user's line that made it), and
    to that line's own part too when the line allocated them itself."""
    by_line: dict[tuple[str, int], LineMemory] = {}  # a line may hold two code objects

    def charge(record: Allocations) -> Optional[tuple[LineMemory, bool]]:
        for depth, frame in enumerate(record.user):
            function, file, line = frame
            if is_users(file):
                found = by_line.get((file, line))
                if found is None:
                    found = by_line[(file, line)] = LineMemory(file, line, function)
                return found, depth == 0 and record.stack[0] == frame
        return None

    for record in at_peak:
        charged = charge(record)
        if charged:
            charged[0].peak_bytes += record.bytes
            charged[0].peak_allocations += record.count
            charged[0].own_peak_bytes += record.bytes if charged[1] else 0
    for record in leaked:
        charged = charge(record)
        if charged:
            charged[0].exit_bytes += record.bytes
            charged[0].own_exit_bytes += record.bytes if charged[1] else 0
    return sorted(by_line.values(), key=lambda m: (-m.peak_bytes, -m.exit_bytes, m.file, m.line))


def timeline(snapshots: Sequence[Any], most: int = series.MOST_POINTS) -> list[MemoryPoint]:
    """Memory snapshots as seconds since the first, thinned to at most `most` points that
    keep the highest heap sample of their stretch (the peak is never thinned away)."""
    if not snapshots:
        return []
    start = snapshots[0].time
    return [MemoryPoint((s.time - start) / 1000, s.rss, s.heap)
            for s in series.keep_peaks(snapshots, lambda s: s.heap, most)]


def size_histogram(records: Iterable[Allocations]) -> list[SizeBin]:
    """Allocations by size in power-of-two bins, from each stack's mean allocation size."""
    bins: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for record in records:
        if record.count <= 0:
            continue
        mean = record.bytes / record.count
        exponent = max(int(math.ceil(math.log2(mean))) if mean > 1 else 0, 0)
        bins[exponent][0] += record.count
        bins[exponent][1] += record.bytes
    return [SizeBin(low=(1 << (e - 1)) + 1 if e else 0, high=1 << e, allocations=c, bytes=b)
            for e, (c, b) in sorted(bins.items())]


register(MemrayProfiler())
