"""Where each page and export goes: file names safe on every file system, and the keys that
tie a page's graph to its speedscope export."""

from __future__ import annotations

import re

from reporter.results import WorkloadResult

SPEEDSCOPE_DIR = "speedscope"
PYPERF_DIR = "pyperf"


def page_name(workload: WorkloadResult) -> str:
    """A file name for a workload's page that is safe on every file system."""
    return _safe(workload.name) + ".html"


def decorated_key(index: int, name: str) -> str:
    """The page key of a decorated function's graph."""
    return f"decorated-{index}-{_safe(name)}"


def speedscope_name(workload: WorkloadResult, key: str) -> str:
    """Where a graph's speedscope export goes, relative to the report folder."""
    return f"{SPEEDSCOPE_DIR}/{_safe(workload.name)}.{_safe(key)}.speedscope.json"


def pyperf_name(workload: WorkloadResult) -> str:
    """Where a benchmark's pyperf suite goes, relative to the report folder."""
    return f"{PYPERF_DIR}/{_safe(workload.name)}.pyperf.json"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)
