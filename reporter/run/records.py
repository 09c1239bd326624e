"""What a child process and the runner write for the collector, as typed records.

The same dataclasses are used by the writer (`child`, `probes`, `runner`, `procfs`) and the
reader (`collect`), and travel through `serial`: a file of another version, or with a field of
the wrong type, is refused with its name and the field, never half-read. Nothing reads these
files as raw dicts. pyperf's worker records, which serialise themselves, are the model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, TypeVar

from reporter.errors import ArtifactError
from reporter.results.schema import ChildProcess, DecoratedLine, LintFindings, OwnTool
from reporter.serial import dumps, from_data, write_atomic
from reporter.vocabulary import Mode

# 1: the first typed records (process, metrics, memory probe, decorated functions).
RECORDS_VERSION = 1

R = TypeVar("R", bound="Record")


@dataclass
class Record:
    """A file one process writes for another: versioned, written whole or not at all."""

    version: int

    def write(self, path: Path) -> None:
        """Write atomically (through a temporary file), so a reader never sees half."""
        write_atomic(path, dumps(self))

    @classmethod
    def read(cls: type[R], path: Path) -> Optional[R]:
        """The record in that file; None if there is none; ArtifactError, naming the file
        and the field, if it is not one of this version."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise ArtifactError(f"{path.name}: unreadable ({exc})") from exc
        return cls.parse(data, path.name)

    @classmethod
    def read_or_why(cls: type[R], path: Path) -> tuple[Optional[R], str]:
        """The record, or None and why it cannot be read ("" where there is no file): for the
        readers that go on without it and say so, or say nothing."""
        try:
            return cls.read(path), ""
        except ArtifactError as exc:
            return None, str(exc)

    @classmethod
    def parse(cls: type[R], data: Any, where: str = "") -> R:
        """The record from JSON data; ArtifactError naming the field if it does not fit."""
        where = where or cls.__name__
        if not isinstance(data, dict) or data.get("version") != RECORDS_VERSION:
            found = data.get("version") if isinstance(data, dict) else None
            raise ArtifactError(f"{where}: not a record of version {RECORDS_VERSION} "
                                f"(found {found!r}): written by another reporter")
        try:
            return from_data(cls, data, where)
        except (TypeError, ValueError, RecursionError) as exc:
            raise ArtifactError(str(exc)) from exc


# What the runner saw from outside: <stem>.process.json.

@dataclass
class ProcessTotals:  # pylint: disable=too-many-instance-attributes  # the kernel's counters
    """The process tree's totals: rusage for what polling may miss, /proc for the rest."""

    user_s: float
    system_s: float
    minor_faults: int
    major_faults: int
    ctx_voluntary: int
    ctx_involuntary: int
    vm_hwm_bytes: int
    vm_peak_bytes: int
    max_threads: int
    rchar: int
    wchar: int
    read_bytes: int
    write_bytes: int


@dataclass
class ProcessTree:
    """The polled tree: totals, the series (rows of `results.Col`), the processes started."""

    totals: ProcessTotals
    series: list[list[float]] = field(default_factory=list)
    children: list[ChildProcess] = field(default_factory=list)


@dataclass
class WrittenEntry:
    """A file the run left in its working folder, relative to it."""

    path: str
    bytes: int


@dataclass
class CacheEntry:
    """Where a job's files were reused from: an earlier run's folder."""

    run_id: str
    workload: str
    stem: str
    created: str


@dataclass
class ProcessRecord(Record):  # pylint: disable=too-many-instance-attributes
    """How the child ended as the runner saw it, and what its process tree did."""

    returncode: Optional[int]
    timed_out: bool
    interrupted: bool
    timeout: float
    process_s: float
    started_at: float  # time.time() when the runner started the child
    ended_at: float
    parallel: bool
    rss_samples: list[list[float]] = field(default_factory=list)  # [time.time(), rss]
    process: Optional[ProcessTree] = None
    written: list[WrittenEntry] = field(default_factory=list)
    reused_from: Optional[CacheEntry] = None


# What the child saw from inside: <stem>.metrics.json.

@dataclass
class RaisedException:
    """What the script raised, as the child caught it."""

    type: str
    message: str


@dataclass
class ProbeRecord:  # pylint: disable=too-many-instance-attributes  # the lecture's measures
    """The gc, pymalloc and objects around an unprofiled run (`probes.MemoryProbe`): raw
    texts and counts, parsed by the collector."""

    mallocstats_before: str = ""
    objects_before: dict[str, int] = field(default_factory=dict)
    modules_before: int = 0
    harness_modules: int = 0
    tracked_before: int = 0
    gc_threshold: list[int] = field(default_factory=list)
    gc_generations: int = 3
    python_version: list[int] = field(default_factory=list)
    gc_enabled_before: bool = True
    script_started_at: float = 0.0
    mallocstats_end: str = ""
    objects_end: dict[str, int] = field(default_factory=dict)
    observations: list[list[Any]] = field(default_factory=list)  # [name, plain JSON value]
    collected_after_release: int = 0
    mallocstats_released: str = ""
    max_rss_kib: int = 0
    # [start s, duration s, generation, collected, uncollectable], from the script's start
    gc_events: list[list[float]] = field(default_factory=list)
    gc_events_dropped: int = 0


@dataclass
class DecoratedRecord:
    """What one `profile_deco` function accumulated: counters, its dumped profile's file
    name, bytes per profiled call ([net, peak]), and its line table if it asked for one."""

    name: str
    calls: int
    nested: int
    unprofiled: int
    prof: str
    memory: list[list[int]] = field(default_factory=list)
    file: str = ""
    lines: list[DecoratedLine] = field(default_factory=list)


@dataclass
class ChildMetrics(Record):  # pylint: disable=too-many-instance-attributes
    """How the script ended as the child saw it, and what it recorded around it."""

    mode: Mode
    pid: int
    started_at: Optional[float] = None  # time.time() when the script started
    wall_s: Optional[float] = None
    system_exit: Optional[int] = None
    exception: Optional[RaisedException] = None
    memory_limit: int = 0
    memory: Optional[ProbeRecord] = None
    decorated: list[DecoratedRecord] = field(default_factory=list)
    own_tools: list[OwnTool] = field(default_factory=list)


# What the lint child found: <stem>.findings.json.

@dataclass
class LintRecord(LintFindings, Record):
    """The linters' findings on the script, versioned as every record is."""
