"""`CallCounter`: counts the Python calls of the script's own functions, by name.

A small profiler as a user would write one against `reporter.profilers.base`: one module, one
section template beside it (`calls.html.j2`), named on the command line as
`--profilers tests.plugin.calls:CallCounter`. Nothing in reporter/ knows of it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, ClassVar

from reporter.errors import ArtifactError
from reporter.harness import is_users
from reporter.profilers.base import BaseProfiler, Measure
from reporter.results import FlameGraph, Frame, FunctionStat


@dataclass
class CallCounts:
    """How many times each of the script's functions was called."""

    total_calls: int
    counts: dict[str, int]
    graphs: list[FlameGraph] = field(default_factory=list)


class CallCounter(BaseProfiler):
    """Counts calls with `sys.setprofile`, the script's own functions only."""

    name: ClassVar[str] = "calls"
    suffix: ClassVar[str] = ".calls.json"
    limit_factor: ClassVar[float] = 10.0
    summary: ClassVar[type] = CallCounts
    scope: ClassVar[str] = "the main thread's calls of the script's own functions, counted"
    template: ClassVar[str] = "calls.html.j2"

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Count while the block runs; write the counts even when it raises."""
        counts: Counter[str] = Counter()

        def count(frame: FrameType, event: str, _arg: Any) -> None:
            file = frame.f_code.co_filename
            if event == "call" and is_users(file) and file != __file__:  # not this module
                counts[frame.f_code.co_name] += 1

        sys.setprofile(count)
        try:
            yield
        finally:
            sys.setprofile(None)
            artifact.write_text(json.dumps(counts), encoding="utf-8")

    def summarize(self, artifact: Path) -> CallCounts:
        """The counts, and one flat graph of them."""
        try:
            counts = json.loads(artifact.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"{artifact.name}: not a call count ({exc})") from exc
        total = sum(counts.values())
        tree = Frame("<script>", "", 0, float(total), 0.0,
                     [Frame(name, "", 0, float(n), float(n)) for name, n in sorted(counts.items())])
        return CallCounts(total, counts, [FlameGraph("calls", "Calls, counted", "count", tree)])

    def measures(self, summary: CallCounts) -> list[Measure]:
        """What `compare` compares: the calls in all."""
        return [Measure("calls counted", "count", summary.total_calls)]

    def functions(self, summary: CallCounts) -> list[FunctionStat]:
        """The counts as function rows, so that `compare` matches them by name."""
        return [FunctionStat(name, "", 0, n, n, 0.0, 0.0) for name, n in summary.counts.items()]
