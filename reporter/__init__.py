"""Run Python scripts under cProfile, pyinstrument and memray; merge it all into one HTML report.

`from reporter import profile_deco` (or `profile`) gives the homework's profiling decorator. It
is imported on first use, so that the reporter's own child processes do not load it (and
cProfile with it) into a bare timing run.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what linters and type checkers see; at run time, __getattr__ below
    from reporter.decorator import profile_deco

    profile = profile_deco

__version__ = "0.1.0"
__all__ = ["profile", "profile_deco"]


def __getattr__(name: str) -> Any:
    if name in ("profile", "profile_deco"):  # `profile` is the short name the README uses
        from reporter.decorator import profile_deco  # pylint: disable=import-outside-toplevel
        return profile_deco
    raise AttributeError(f"module 'reporter' has no attribute {name!r}")
