"""Incremental runs: a job whose inputs have not changed reuses what an earlier run made.

A job's inputs are: the script and the project files it imports (found by reading its imports), its
arguments, its mode, the memory limit and the benchmark's budget, the interpreter, the reporter's
own code and the profilers' versions; a lint job's also the configuration files the linters are
given and the linters' versions. Their hash names an entry in `<out>/.cache/`, which says
which report folder holds that job's files. Reusing copies (hard-links) those files into the new
run and tells the collector where the earlier summary is, so nothing is profiled or read again.
Only jobs that ended cleanly are remembered; `--force` ignores the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

from reporter.declarations import project_files
from reporter.environment import package_versions
from reporter.profilers.base import PROFILERS, module_path, spec_of, template_path
from reporter.run import lint
from reporter.run.records import CacheEntry, ProcessRecord
from reporter.serial import dumps, from_data, write_atomic
from reporter.vocabulary import Mode

CACHE = ".cache"
PACKAGES = ("pyinstrument", "memray")
# flake8's checks are its plug-ins', pylint's rest on astroid.
LINT_PACKAGES = ("flake8", "pyflakes", "pycodestyle", "mccabe", "pylint", "astroid")


class Cache:
    """Entries under `<out>/.cache/`, one small JSON file per job key."""

    def __init__(self, out: Path, memory_limit: int = 0, bench_s: float = 0.0) -> None:
        self.folder = out / CACHE
        self.out = out
        self.memory_limit = memory_limit
        self.bench_s = bench_s

    def key(self, job: Any) -> str:
        """The hash of everything that decides what the job (a runner.Job) produces."""
        script = job.workload.source
        inputs = {
            "mode": job.name, "repeat": job.repeat, "label": job.label,
            "args": [*job.workload.args, *job.extra_args], "memory_limit": self.memory_limit,
            "bench_s": self.bench_s,
            "files": {str(p): _digest(p) for p in sorted(project_files(Path(script)))},
            "module": job.workload.module,
            "stdin": _digest(Path(job.workload.stdin)) if job.workload.stdin else "",
            "python": sys.version, "platform": platform.platform(),
            "reporter": _reporter_digest(), "packages": package_versions(PACKAGES),
            "profiler": _profiler_digest(job.profiler) if job.profiler else "",
            "linters": _lint_inputs(Path(script)) if job.mode == Mode.LINT else {},
        }
        return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:32]

    def lookup(self, key: str) -> Optional[CacheEntry]:
        """The entry for a key, if its report folder still exists."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            entry = from_data(CacheEntry, data)
        except (OSError, ValueError, TypeError):
            return None
        return entry if (self.out / entry.run_id / "raw" / entry.workload).is_dir() else None

    def remember(self, key: str, run_id: str, workload: str, stem: str) -> None:
        """Note that this run's folder will hold the job's files under that name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"{key}.json", dumps(CacheEntry(
            run_id, workload, stem, time.strftime("%Y-%m-%d %H:%M:%S"))))

    def copy(self, entry: CacheEntry, target: Path, stem: str) -> Optional[ProcessRecord]:
        """Bring the entry's files into `target` (a workload's raw folder) under `stem`; the
        copied process record, marked as reused, for the caller to write; None if the
        entry's files are gone or unreadable."""
        source = self.out / entry.run_id / "raw" / entry.workload
        found = sorted(source.glob(f"{entry.stem}.*"))
        record, _ = ProcessRecord.read_or_why(source / f"{entry.stem}.process.json")
        if record is None:
            return None
        target.mkdir(parents=True, exist_ok=True)
        for path in found:
            destination = target / (stem + path.name[len(entry.stem):])
            try:
                os.link(path, destination)  # same file system: no copy at all
            except OSError:
                shutil.copy2(path, destination)
        written = source / "files" / entry.stem  # what the script wrote, in its folder
        if written.is_dir():
            shutil.copytree(written, target / "files" / stem, dirs_exist_ok=True)
        return replace(record, reused_from=entry)


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _lint_inputs(script: Path) -> dict[str, Any]:
    """What else decides a lint job's findings: each tool's configuration file (which, and
    its bytes) and the linters' versions."""
    configs = {t.name: lint.find_config(t, Path(os.path.abspath(script)).parent)
               for t in lint.LINTERS}
    return {"configs": {name: [str(path), _digest(path)] if path else None
                        for name, path in configs.items()},
            "packages": package_versions(LINT_PACKAGES)}


def _profiler_digest(name: str) -> str:
    """A profiler's spec, and for one of another package its module's and template's bytes:
    an edited plug-in must not reuse what the old one made (ours are in the reporter's)."""
    spec = spec_of(name)
    if ":" not in spec:
        return spec
    profiler = PROFILERS[name]
    return spec + _digest(module_path(profiler)) + _digest(template_path(profiler))


@functools.lru_cache(maxsize=1)
def _reporter_digest() -> str:
    """Our own code: a changed harness must not reuse what the old one made."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()
