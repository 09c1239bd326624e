"""The interface every profiler module implements, and the registry they join.

A profiler has two halves that never meet in one process: `capture` runs inside the child around
the script and writes one artifact; `summarize` runs in the collector and turns that artifact into
a plain summary for the results model.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, ClassVar, Protocol

from reporter.harness import is_harness, runs_the_script

__all__ = ["PROFILERS", "Profiler", "is_harness", "register", "runs_the_script"]


class Profiler(Protocol):
    """What the runner and the collector need of a profiler."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    # A profiled run's time limit, without --timeout, is this many unprofiled medians (at
    # least a minute): about twice the largest slowdown measured for this profiler.
    limit_factor: ClassVar[float]

    def capture(self, artifact: Path) -> AbstractContextManager[None]:
        """Profile the code run inside the block and save the result to `artifact`, always."""

    def summarize(self, artifact: Path) -> Any:
        """Read `artifact` once into this profiler's summary; ArtifactError if it is unreadable."""


# Each profiler's module, in report order. Modules are imported on first use, so that a child
# loads only the profiler of its own mode, and a bare timing run none at all.
MODULES = {
    "cprofile": "reporter.profilers.cprofile",
    "pyinstrument": "reporter.profilers.pyinstrument",
    "memray": "reporter.profilers.memray",
    "lines": "reporter.profilers.lines",
}
_REGISTERED: dict[str, Profiler] = {}


class _Registry(Mapping[str, Profiler]):
    """Name -> profiler; iterating lists the names without importing any profiler."""

    def __getitem__(self, name: str) -> Profiler:
        if name not in _REGISTERED:
            if name not in MODULES:
                raise KeyError(name)
            importlib.import_module(MODULES[name])
        return _REGISTERED[name]

    def __iter__(self) -> Iterator[str]:
        return iter(MODULES)

    def __len__(self) -> int:
        return len(MODULES)

    def __contains__(self, name: object) -> bool:
        return name in MODULES


PROFILERS: Mapping[str, Profiler] = _Registry()


def register(profiler: Profiler) -> Profiler:
    """Add a profiler to the registry; a second profiler of the same name is a bug."""
    if profiler.name in _REGISTERED:
        raise ValueError(f"profiler {profiler.name!r} is registered twice")
    if profiler.name not in MODULES:
        raise ValueError(f"profiler {profiler.name!r} has no entry in MODULES")
    _REGISTERED[profiler.name] = profiler
    return profiler
