"""One module per profiler, behind one small interface (see `base.Profiler`).

A profiler has two halves that never meet in one process: `capture` runs inside the child around
the script and writes one artifact; `summarize` runs in the collector and turns that artifact into
a plain summary for the results model. Importing this package registers them in report order.
"""

from reporter.profilers import cprofile, pyinstrument, memray  # noqa: F401  (registration)
from reporter.profilers.base import PROFILERS, Profiler, is_harness

__all__ = ["PROFILERS", "Profiler", "is_harness"]
