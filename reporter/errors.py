"""The one error type the command line catches and prints as a single line."""

import functools
import typing
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class ReporterError(Exception):
    """A problem the user can act on: bad input, an unreadable file, a refused format."""

    exit_code = 2


class ArtifactError(ReporterError):
    """A profiler's output file is missing, truncated or not what it claims to be."""


# What reading malformed data raises in Python code that trusted its shape.
MALFORMED = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError,
             RecursionError)


def reads(what: str) -> Callable[[F], F]:
    """Make a reader of child output fail only with ArtifactError, saying what it was reading."""
    def decorate(reader: F) -> F:
        @functools.wraps(reader)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return reader(*args, **kwargs)
            except MALFORMED as exc:
                raise ArtifactError(f"unreadable {what}: {type(exc).__name__}: {exc}") from exc
        return typing.cast(F, guarded)
    return decorate
