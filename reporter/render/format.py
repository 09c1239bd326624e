"""The one formatting layer: how a count, a size, a time, a ratio or a path reads, everywhere.

Every figure a page prints goes through these (as Jinja filters), and the page's own script
formats the tables it draws the same way (`static/format.js`, shared by the flame graphs and the
function table).
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Optional

from reporter.harness import installed_part, stdlib_folders


def seconds(value: Optional[float]) -> str:
    """A duration with a unit a person reads at a glance."""
    if value is None:
        return "–"
    if value == 0:
        return "0 s"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    if value >= 1e-6:
        return f"{value * 1e6:.1f} µs"
    return f"{value * 1e9:.1f} ns"


def size(value: Optional[float]) -> str:
    """Bytes in binary units."""
    if value is None:
        return "–"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            if unit == "B":  # whole bytes as such; a mean per instance keeps its tenth
                close = abs(value - round(value)) < 0.05
                return f"{round(value):.0f} B" if close else f"{value:.1f} B"
            return f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def ratio(value: Optional[float]) -> str:
    """A factor such as an overhead."""
    return "–" if value is None else f"{value:.2f}×"


def percent(part: float, whole: float) -> str:
    """`part` as a share of `whole`."""
    return f"{100 * part / whole:.1f}%" if whole else "–"


def as_percent(fraction: float) -> str:
    """A fraction the code holds as a constant, as prose names it: 0.02 reads 2%, 0.001 0.1%."""
    return f"{100 * fraction:g}%"


def short_path(path: str) -> str:
    """A file path without the parts that only say where Python is installed: installed
    packages from their package, the standard library as <stdlib>/, the project relative."""
    if not path or path.startswith("<"):
        return path
    return _short_path(path, os.getcwd() + os.sep)


@functools.lru_cache(maxsize=65_536)
def _short_path(path: str, cwd: str) -> str:
    package = installed_part(path)
    if package is not None:  # before the project: a venv inside it is still installed code
        return package
    stdlib = _stdlib()
    if path.startswith(stdlib):
        return "<stdlib>/" + path[len(stdlib):]
    if path.startswith(cwd):
        return path[len(cwd):]
    if path.startswith(sys.prefix + os.sep):
        return path[len(sys.prefix) + 1:]
    return path


@functools.lru_cache(maxsize=1)
def _stdlib() -> str:
    return stdlib_folders()[0]


def where(frame: Any) -> str:
    """`file:line` of a frame or function row, or "built-in" where there is no file."""
    if not frame.file:
        return "built-in"
    return f"{short_path(frame.file)}:{frame.line}" if frame.line else short_path(frame.file)


def count(value: Optional[float]) -> str:
    """A count with thousands separators: 1,300,855 (a fractional value keeps 6 digits)."""
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.6g}"
    return f"{value:,.0f}"


def plural(number: int, noun: str, many: str = "") -> str:
    """"1 call", "2 calls", "1,000 calls": the count formatted, the noun agreeing."""
    return f"{count(number)} {noun if number == 1 else many or noun + 's'}"
