"""What an unprofiled child watches besides the clock: the gc, pymalloc and the live objects.

Everything costly (pymalloc statistics, counting objects) happens before the script starts and
after it ends, outside the timed region. While it runs, only a gc callback (two calls per
collection) is active; the resident set size over time is read by the runner, from outside.
The raw texts are kept as they are: the collector parses them (pure functions, tested on
captured outputs of several CPython versions).
"""

from __future__ import annotations

import gc
import json
import math
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from typing import Any, Optional

from reporter.run.records import ProbeRecord

MAX_GC_EVENTS = 20_000
TOP_TYPES = 60
OBSERVATIONS_NAME = "OBSERVATIONS"
MAX_OBSERVATIONS_BYTES = 200_000


class MemoryProbe:
    """Records gc collections, pymalloc state and object counts around one script run."""

    def __init__(self) -> None:
        self.data = ProbeRecord()
        self.events: list[list[float]] = []
        self.dropped = 0
        self._collection_start = 0.0
        self._origin = 0.0
        self._finished = False

    def start(self) -> None:
        """Take the "before" state, then begin watching; call just before the script starts."""
        gc.collect()  # the "before" figures: the interpreter as the script finds it
        data = self.data
        data.mallocstats_before = malloc_stats()
        data.objects_before = count_objects()
        # What the interpreter holds as the script finds it, and how much of that is ours.
        data.modules_before = len(sys.modules)
        data.harness_modules = sum(name.split(".")[0] == "reporter" for name in sys.modules)
        data.tracked_before = len(gc.get_objects())
        # The harness's own garbage is collected now, so that the script's counts start at
        # zero and its first collection comes when its own allocations call for it.
        gc.collect()
        data.gc_threshold = list(gc.get_threshold())
        data.gc_generations = len(gc.get_stats())
        data.python_version = list(sys.version_info[:3])
        data.gc_enabled_before = gc.isenabled()
        data.script_started_at = time.time()
        self._origin = time.perf_counter()
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        """Stop watching; call as soon as the script returns or raises."""
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def finish(self, namespace: Optional[dict[str, Any]]) -> None:
        """The state at the end (the script's globals alive), then after releasing them."""
        if self._finished:
            return
        self._finished = True
        self.data.mallocstats_end = malloc_stats()
        self.data.objects_end = count_objects()
        self.data.observations = observations(namespace or {})
        if namespace is not None:
            namespace.clear()
        self.data.collected_after_release = gc.collect()
        self.data.mallocstats_released = malloc_stats()
        self.data.max_rss_kib = peak_rss_kib()

    def result(self) -> ProbeRecord:
        """Everything recorded, ready for the metrics file."""
        return replace(self.data, gc_events=self.events, gc_events_dropped=self.dropped)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._collection_start = now
        elif len(self.events) < MAX_GC_EVENTS:
            self.events.append([round(self._collection_start - self._origin, 6),
                                round(now - self._collection_start, 7), info["generation"],
                                info["collected"], info["uncollectable"]])
        else:
            self.dropped += 1


def limit_memory(limit: int) -> int:
    """Cap the address space the script may use (MemoryError past it says so in the report);
    the limit set, 0 for none."""
    if limit <= 0:
        return 0
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return limit


def count_objects() -> dict[str, int]:
    """Live objects the gc tracks, by type, the most numerous first."""
    counts = Counter(type(o).__qualname__ for o in gc.get_objects())
    return dict(counts.most_common(TOP_TYPES * 4))


def observations(namespace: dict[str, Any]) -> list[list[Any]]:
    """The script's own `OBSERVATIONS` as [name, value] pairs in its order, kept if they are
    plain JSON data of a sensible size."""
    found = namespace.get(OBSERVATIONS_NAME)
    if not isinstance(found, dict):
        return []
    pairs = [[str(name), value] for name, value in found.items()]
    try:
        text = json.dumps(pairs, allow_nan=False, default=_refuse)
    except (TypeError, ValueError) as exc:
        return [["error", f"{OBSERVATIONS_NAME} is not plain JSON data: {exc}"]]
    if len(text) > MAX_OBSERVATIONS_BYTES:
        return [["error", f"{OBSERVATIONS_NAME} is larger than {MAX_OBSERVATIONS_BYTES} bytes"]]
    kept: list[list[Any]] = json.loads(text)  # the same pairs, as plain JSON data
    return kept


def _refuse(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    raise TypeError(f"{type(value).__name__} is not JSON data")


def malloc_stats() -> str:
    """The text `sys._debugmallocstats()` writes to the C-level stderr."""
    return c_stderr_of(sys._debugmallocstats)  # pylint: disable=protected-access


def c_stderr_of(function: Any) -> str:
    """What a C function writes to file descriptor 2, captured through a temporary file."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            function()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        return capture.read().decode("utf-8", errors="replace")


def peak_rss_kib() -> int:
    """This process's resident set high-water mark, in KiB.

    Linux's `ru_maxrss` keeps the high-water mark across exec, so a child forked from a 30 MiB
    runner never reports less than 30 MiB; `VmHWM` belongs to the address space exec made.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
