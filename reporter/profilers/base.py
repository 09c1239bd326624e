"""The interface every profiler module implements, and the registry they join.

A profiler has two halves that never meet in one process: `capture` runs inside the child around
the script and writes one artifact; `summarize` runs in the collector and turns that artifact into
a plain summary for the results model.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, ClassVar, Protocol

_HARNESS_DIRS = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep + "run" + os.sep,
    os.path.dirname(os.path.abspath(__file__)) + os.sep,
)


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


def runs_the_script(function: str, file: str) -> bool:
    """runpy's frame that executes the script's code: the frames it calls are the script."""
    return function == "_run_code" and is_harness(file)


def is_harness(file: str) -> bool:
    """True for frames of our own child machinery and runpy, which users never wrote."""
    return (
        os.path.basename(file) in ("runpy.py", "<frozen runpy>")
        or file == "<frozen runpy>"
        or file.startswith(_HARNESS_DIRS)
    )
