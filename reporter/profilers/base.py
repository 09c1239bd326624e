"""The interface every profiler module implements, and the registry they join.

A profiler has two halves that never meet in one process: `capture` runs inside the child around
the script and writes one artifact; `summarize` runs in the collector and turns that artifact into
a plain summary for the results model.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, ClassVar, Protocol

from reporter.harness import is_harness, runs_the_script

__all__ = ["PROFILERS", "Profiler", "is_harness", "register", "runs_the_script"]


class Profiler(Protocol):
    """What the runner and the collector need of a profiler."""

    name: ClassVar[str]
    suffix: ClassVar[str]

    def capture(self, artifact: Path) -> AbstractContextManager[None]:
        """Profile the code run inside the block and save the result to `artifact`, always."""

    def summarize(self, artifact: Path) -> Any:
        """Read `artifact` once into this profiler's summary; ArtifactError if it is unreadable."""


PROFILERS: dict[str, Profiler] = {}


def register(profiler: Profiler) -> Profiler:
    """Add a profiler to the registry; a second profiler of the same name is a bug."""
    if profiler.name in PROFILERS:
        raise ValueError(f"profiler {profiler.name!r} is registered twice")
    PROFILERS[profiler.name] = profiler
    return profiler
