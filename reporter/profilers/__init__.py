"""One module per profiler, behind one small interface (see `base.Profiler`).

A profiler has two halves that never meet in one process: `capture` runs inside the child around
the script and writes one artifact; `summarize` runs in the collector and turns that artifact into
a plain summary for the results model. `PROFILERS` imports a profiler's module when it is first
asked for, so a child loads only its own mode's profiler.
"""

from reporter.profilers.base import PROFILERS, Profiler, is_harness

__all__ = ["PROFILERS", "Profiler", "is_harness"]
