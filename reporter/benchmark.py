"""Benchmark cases a workload declares, timed by the reporter as pyperf would.

A script opts in with a module-level `CASES` list. Each entry is a `Case`, or a plain dict with
the same keys (so the script needs nothing from the reporter to run alone)::

    CASES = [
        {"variant": "plain", "operation": "create", "stmt": "Plain(1, 2, 3)", "creates": True},
        {"variant": "plain", "operation": "read", "stmt": "o.x", "setup": "o = Plain(1, 2, 3)"},
        {"variant": "slots", "operation": "read", "stmt": "o.x", "setup": "o = Slots(1, 2, 3)"},
    ]

`stmt` and `setup` are source text run in the script's own namespace, as `timeit` runs them;
the loop around `stmt` costs a few nanoseconds, unlike a function call around it. The first
variant is the baseline that ratios are taken against. A statement that raises is reported as
"not supported" with its error, not timed. `creates=True` marks a statement that makes one
instance: its memory per instance is measured too (tracemalloc over many instances);
`timed=False` sizes such a statement without timing it.

The script's `if __name__ == "__main__":` block does not run when its cases are timed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Union

from reporter.errors import ReporterError

CASES_NAME = "CASES"


@dataclass(frozen=True)
class Case:
    """One timed statement of one variant."""

    variant: str
    operation: str
    stmt: str
    setup: str = "pass"
    creates: bool = False
    timed: bool = True


def normalise(entries: Iterable[Union[Case, Mapping[str, Any]]]) -> list[Case]:
    """Cases from `Case` objects or dicts; a malformed entry is a clear error."""
    known = {f.name for f in fields(Case)}
    cases = []
    for i, entry in enumerate(entries):
        if isinstance(entry, Case):
            cases.append(entry)
            continue
        if not isinstance(entry, Mapping) or set(entry) - known:
            raise ReporterError(f"{CASES_NAME}[{i}]: expected a Case or a dict with keys "
                                f"{', '.join(sorted(known))}, got {entry!r:.80}")
        try:
            case = Case(**entry)
        except TypeError as exc:
            raise ReporterError(f"{CASES_NAME}[{i}]: {exc}") from exc
        text = ("variant", "operation", "stmt", "setup")
        if not all(isinstance(getattr(case, k), str) for k in text):
            raise ReporterError(f"{CASES_NAME}[{i}]: {', '.join(text)} must be text")
        cases.append(case)
    keys = [(c.variant, c.operation) for c in cases]
    if len(set(keys)) != len(keys):
        raise ReporterError(f"{CASES_NAME}: a (variant, operation) pair is declared twice")
    return cases
