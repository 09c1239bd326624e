"""cProfile: deterministic call counts and times, saved as a `.prof` that snakeviz opens."""

from __future__ import annotations

import cProfile
import pstats
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from reporter.errors import ArtifactError
from reporter.profilers.base import is_harness, register
from reporter.results import CProfileSummary, FunctionStat

# pstats keys a function by (file, line, name); C functions have file "~" and line 0.
PstatsKey = tuple[str, int, str]
PstatsValue = tuple[int, int, float, float, dict[PstatsKey, Any]]


class CProfileProfiler:
    """Deterministic profiling with the standard library's cProfile."""

    name: ClassVar[str] = "cprofile"
    suffix: ClassVar[str] = ".prof"
    top: int = 25

    @contextmanager
    def capture(self, artifact: Path) -> Iterator[None]:
        """Profile the block; the `.prof` is written even when the block raises."""
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            profile.dump_stats(artifact)

    def summarize(self, artifact: Path) -> CProfileSummary:
        """Read the `.prof` with pstats and rank the script's functions."""
        try:
            stats = pstats.Stats(str(artifact)).stats  # type: ignore[attr-defined]
        except (OSError, EOFError, ValueError, TypeError, AttributeError) as exc:
            raise ArtifactError(f"{artifact.name}: not a readable pstats file ({exc})") from exc
        return summarize_stats(stats, self.top)


def summarize_stats(stats: dict[PstatsKey, PstatsValue], top: int) -> CProfileSummary:
    """Rank functions by cumulative and by own time, leaving out the harness that ran the script."""
    harness = _harness_keys(stats)
    rows = [_row(k, v) for k, v in stats.items() if k not in harness]
    return CProfileSummary(
        total_calls=sum(r.calls for r in rows),
        primitive_calls=sum(r.primitive_calls for r in rows),
        total_s=sum(r.own_s for r in rows),
        by_cumulative=sorted(rows, key=lambda r: (-r.cumulative_s, -r.own_s))[:top],
        by_own=sorted(rows, key=lambda r: (-r.own_s, -r.cumulative_s))[:top],
    )


def _harness_keys(stats: dict[PstatsKey, PstatsValue]) -> set[PstatsKey]:
    """Our frames and runpy's, plus C functions that only they called (exec, disable)."""
    harness = {k for k in stats if is_harness(k[0])}
    for k, (_, _, _, _, callers) in stats.items():
        if k[0] == "~" and callers and all(c in harness for c in callers):
            harness.add(k)
    return harness


def _row(k: PstatsKey, v: PstatsValue) -> FunctionStat:
    file, line, function = k
    primitive, calls, own, cumulative, _ = v
    return FunctionStat(
        function=function,
        file="" if file == "~" else file,
        line=line,
        calls=calls,
        primitive_calls=primitive,
        own_s=own,
        cumulative_s=cumulative,
    )


register(CProfileProfiler())
