"""`results.json`: the single file the renderer reads, written and read back.

It carries a format version; a file of another version, or with a field of the wrong type, or
naming a profiler that is not installed, is refused with an error naming the file and the
field, never half-loaded. One damaged workload is left out with a problem noted, and the
others still render.
"""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Callable
from typing import Any, Optional

from reporter.errors import ReporterError
from reporter.results.schema import FORMAT_VERSION, Run, RunRecord, WorkloadResult
from reporter.serial import dumps, from_data, write_atomic


def to_json(run: Run) -> str:
    """Serialise a run compactly, with sorted keys so that two reports diff cleanly (after
    `python -m json.tool`)."""
    return dumps(run)


def save(run: Run, path: Path) -> None:
    """Write results.json atomically: a reader sees the old file or the new one, never half."""
    write_atomic(path, to_json(run))


def load(path: Path) -> Run:
    """Read results.json, refusing other format versions and wrong types with a clear error."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReporterError(f"{path}: cannot read results: {exc}") from exc
    if not isinstance(data, dict):
        raise ReporterError(f"{path}: not a results file (expected a JSON object)")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise ReporterError(
            f"{path}: results format {version!r} is not supported "
            f"(this reporter reads format {FORMAT_VERSION}); re-run the workloads"
        )
    workloads = data.get("workloads")
    if not isinstance(workloads, list):
        raise ReporterError(f"{path}: invalid results: workloads: expected a list")
    missing = sorted(_uninstalled(workloads, data.get("profilers")))
    if missing:
        raise ReporterError(f"{path}: made with profiler(s) not installed here: "
                            f"{', '.join(missing)}")
    try:
        run = from_data(Run, {**data, "workloads": []})
    except (TypeError, ValueError, RecursionError) as exc:
        raise ReporterError(f"{path}: invalid results: {exc}") from exc
    for i, workload in enumerate(workloads):
        # One damaged workload is reported and left out; the others still render.
        try:
            run.workloads.append(from_data(WorkloadResult, workload, f"workloads[{i}]",
                                           resolve=profile_hint))
        except (TypeError, ValueError, RecursionError) as exc:
            run.problems.append(f"{path}: workload {i + 1} left out: {exc}")
    return run


def profile_hint(cls: type, name: str) -> Optional[Callable[[dict[str, Any]], Any]]:
    """A run's `profile` is read as its profiler's summary class."""
    return _profile_class if cls is RunRecord and name == "profile" else None


def _profile_class(data: dict[str, Any]) -> Any:
    if data.get("profile") is None:
        return type(None)
    from reporter.profilers.base import summary_class  # pylint: disable=import-outside-toplevel
    found = summary_class(str(data.get("profiler", "")))
    if found is None:
        raise ValueError(f"a profile of no known profiler ({data.get('profiler')!r})")
    return found


def _uninstalled(workloads: list[Any], specs: Any) -> set[str]:
    """The profilers the runs name that this installation cannot read (plug-ins named by
    spec are loaded first)."""
    # pylint: disable-next=import-outside-toplevel  # the profilers import the schema
    from reporter.profilers.base import PROFILERS, resolve
    for spec in (specs.values() if isinstance(specs, dict) else ()):
        try:
            resolve(str(spec))
        except ReporterError:
            continue
    runs = [w.get("runs") for w in workloads if isinstance(w, dict)]
    named = {str(r.get("profiler")) for found in runs if isinstance(found, list)
             for r in found if isinstance(r, dict) and r.get("profiler")}
    return {name for name in named if name not in PROFILERS}
