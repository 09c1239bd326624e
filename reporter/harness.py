"""Which frames are ours: the child machinery, the profiler modules, the decorator, and runpy.

Users never wrote these, so tables, trees and allocation sites leave them out. Kept free of
heavy imports: the profiling decorator uses it inside students' scripts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_HARNESS_PATHS = (
    os.path.join(_PACKAGE, "run") + os.sep,
    os.path.join(_PACKAGE, "profilers") + os.sep,
    os.path.join(_PACKAGE, "decorator.py"),
)

# pstats keys a function by (file, line, name); C functions have file "~" and line 0.
PstatsKey = tuple[str, int, str]


def is_harness(file: str) -> bool:
    """True for frames of our own machinery and runpy, which users never wrote."""
    return (os.path.basename(file) in ("runpy.py", "<frozen runpy>")
            or file.startswith(_HARNESS_PATHS))


def runs_the_script(function: str, file: str) -> bool:
    """runpy's frame that executes the script's code: the frames it calls are the script."""
    return function == "_run_code" and is_harness(file)


def harness_keys(stats: Mapping[PstatsKey, Any]) -> set[PstatsKey]:
    """pstats entries that are ours, plus C functions only ours called (exec, disable, send).

    A C function with no recorded caller was called by the frame that turned profiling on,
    which is always ours (it started before the profile, so the profile cannot name it).
    """
    harness = {k for k in stats if is_harness(k[0])}
    for key, value in stats.items():
        callers: Iterable[PstatsKey] = value[4]
        if key[0] == "~" and all(c in harness or is_harness(c[0]) for c in callers):
            harness.add(key)
    return harness
