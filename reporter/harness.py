"""Which frames are ours: the child machinery, the profiler modules, the decorator, and runpy.

Users never wrote these, so tables, trees and allocation sites leave them out. Kept free of
heavy imports: the profiling decorator uses it inside students' scripts.
"""

from __future__ import annotations

import functools
import os
import site
import sys
import sysconfig
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Optional

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
# The profiling decorator and the detection it calls run inside the script, between its own
# frames: trees splice them out (their callees join their callers) rather than cut there.
# (`reporter/__init__.py` imports the decorator lazily for `from reporter import profile_deco`.)
DECORATOR_FILES = tuple(os.path.join(_PACKAGE, name)
                        for name in ("decorator.py", "linetrace.py", "harness.py", "__init__.py"))
_HARNESS_PATHS = (
    os.path.join(_PACKAGE, "run") + os.sep,
    os.path.join(_PACKAGE, "profilers") + os.sep,
    *DECORATOR_FILES,
)

# Set in the environment of every run but the decorated one: the decorator counts calls and
# profiles none, so that it cannot slow a timed or profiled run.
COUNT_ONLY_ENV = "REPORTER_DECORATOR_COUNT_ONLY"

# What the decorator's own frames cost, shown apart from its callers' own time (a frame in
# pyinstrument's tree, a row in cProfile's table) once its frames are spliced out.
DECORATOR_OWN = "[profile_deco's own work]"

# pstats keys a function by (file, line, name); C functions have file "~" and line 0.
PstatsKey = tuple[str, int, str]


# The folders installed packages live in, on every platform and distribution.
INSTALLED = (os.sep + "site-packages" + os.sep, os.sep + "dist-packages" + os.sep)


def installed_part(file: str) -> Optional[str]:
    """The file's path inside an installed-packages folder (`pkg/mod.py`), or None if it is
    not an installed package's."""
    for marker in INSTALLED:
        if marker in file:
            return file.split(marker, 1)[1]
    return None


def is_import_machinery(file: str) -> bool:
    """True for frozen importlib's frames, which run between an import and the module."""
    return file.startswith("<frozen importlib")


def is_harness(file: str) -> bool:
    """True for frames of our own machinery and runpy, which users never wrote."""
    return (os.path.basename(file) in ("runpy.py", "<frozen runpy>")
            or file.startswith(_HARNESS_PATHS))


def is_decorator(file: str) -> bool:
    """True for the profiling decorator's frames, which sit inside the script's stacks."""
    return file in DECORATOR_FILES


def is_users(file: str) -> bool:
    """True for the script's own files and the project files it imports: a real file that is
    neither ours, nor the standard library, nor an installed package. Per-line figures are
    given for these lines only; a library's lines are charged to the user's line that called."""
    return _is_users(file, stdlib_folders())


@functools.lru_cache(maxsize=4096)
def _is_users(file: str, stdlib: tuple[str, ...]) -> bool:
    if not file or file.startswith("<") or is_harness(file) or is_decorator(file):
        return False
    if installed_part(file) is not None:
        return False
    return not file.startswith(stdlib)


@functools.lru_cache(maxsize=1)
def stdlib_folders() -> tuple[str, ...]:
    """The standard library's folders, each ending in a separator, the pure one first (a
    venv's prefix holds only installed packages, which `installed_part` finds)."""
    paths = sysconfig.get_paths()
    return tuple(dict.fromkeys(paths[k].rstrip(os.sep) + os.sep for k in ("stdlib", "platstdlib")))


def site_folders() -> tuple[str, ...]:
    """This interpreter's installed-packages folders, each ending in a separator."""
    paths = sysconfig.get_paths()
    found = {*site.getsitepackages(), site.getusersitepackages(), paths["purelib"],
             paths["platlib"]}
    return tuple(sorted(folder.rstrip(os.sep) + os.sep for folder in found))


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


def other_profiler() -> Optional[str]:
    """Name the profiler already running here, if any; starting cProfile would displace it.

    Three signs, each of which a running profiler leaves:
    - a profile function on this thread (`sys.setprofile`; cProfile up to 3.11, the `profile`
      module, pyinstrument);
    - since 3.12, the interpreter-wide `sys.monitoring` profiler slot (cProfile there);
    - a profile hook for new threads (`threading.setprofile`): memray sets one while it
      tracks, because its own C hook on this thread is invisible to `sys.getprofile()`.
    A trace function (coverage, a debugger) is not a profiler: cProfile runs beside it.
    """
    found = sys.getprofile()
    if found is not None:
        return describe_hook(found)
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        tool = monitoring.get_tool(monitoring.PROFILER_ID)
        if tool is not None:
            return str(tool)
    found = threading.getprofile()
    if found is not None:
        return describe_hook(found)
    return None


def describe_hook(hook: Any) -> str:
    """The package a hook comes from ("memray", "pyinstrument", "cProfile", "profile"...),
    or, for a function of the script's own, its name in backticks."""
    module = getattr(hook, "__module__", None) or type(hook).__module__ or ""
    if module in ("builtins", "_lsprof", "cProfile"):
        return "cProfile"
    if module == "__main__":
        return f"`{getattr(hook, '__qualname__', type(hook).__qualname__)}`"
    return module.split(".")[0].lstrip("_") or type(hook).__qualname__
