"""Sharing a report: machine-specific paths replaced, and one zip that opens offline.

A report names files by absolute path: the student's home folder, the interpreter's prefix,
temporary folders. Redaction rewrites every string of the results model (function tables,
trees, exception messages, stderr tails, the environment) so that paths inside the project
become relative and the others neutral (`~/`, `<python>/`, `<site-packages>/`, `<tmp>/`).
The bundle holds the redacted pages, results and (pruned) speedscope files, the `.prof` files
for snakeviz and the children's text output, all rewritten the same way. Full captures stay out,
and their links with them: memray's hold paths in a binary format we do not rewrite, and a
pyinstrument session is every sample (megabytes for a short script) where the page and its
speedscope export already carry what can be drawn.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import marshal
import os
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional, cast

from reporter import render, results
from reporter.errors import ReporterError
from reporter.harness import installed_part, site_folders, stdlib_folders
from reporter.results import Run

Redactor = Callable[[str], str]
_ABSOLUTE = re.compile(r"(?<![\w.<>~:/-])/(?:[^\s'\"<>():,;|*?\[\]{}]+/)*[^\s'\"<>():,;|*?\[\]{}]*")
UNSHAREABLE = (".bin", ".pyisession")  # full captures: memray's binary, pyinstrument's samples


def redactor(project: Optional[Path] = None) -> Redactor:
    """A function that neutralises absolute paths in any text, most specific prefix first."""
    project = Path(project or os.getcwd()).resolve()
    prefixes: list[tuple[str, str]] = [(str(project) + os.sep, "")]
    prefixes += [(folder, "<site-packages>/") for folder in site_folders()]
    prefixes += [
        *((folder, "<stdlib>/") for folder in stdlib_folders()),
        (sys.prefix.rstrip(os.sep) + os.sep, "<python>/"),
        (sys.base_prefix.rstrip(os.sep) + os.sep, "<python>/"),
        (os.path.realpath(tempfile.gettempdir()).rstrip(os.sep) + os.sep, "<tmp>/"),
        (str(Path.home()).rstrip(os.sep) + os.sep, "~/"),
    ]
    prefixes.sort(key=lambda p: -len(p[0]))

    def one(match: re.Match[str]) -> str:
        path = match.group(0)
        package = installed_part(path)
        if package is not None:  # any environment's installed packages
            return "<site-packages>/" + package
        for prefix, neutral in prefixes:
            if path.startswith(prefix) or path + os.sep == prefix:
                return neutral + path[len(prefix):]
        name = os.path.basename(path.rstrip(os.sep))
        return f"<abs>/{name}" if name else path

    def redact(text: str) -> str:
        return _ABSOLUTE.sub(one, text)

    return redact


def redact_run(run: Run, redact: Redactor) -> Run:
    """The same results with every string redacted (dict keys too), and only the project's
    own source files kept: a file outside it (a temporary script, a file under the home
    folder) is not the project's to share, so its text is left out."""
    redacted = cast(Run, _map(run, redact))  # the same dataclasses, their strings redacted
    for workload in redacted.workloads:
        workload.sources = {path: text for path, text in workload.sources.items()
                            if _in_project(path)}
        for record in workload.runs:
            for function in record.decorated:
                if not _in_project(function.file):
                    function.lines = [dataclasses.replace(line, source="")
                                      for line in function.lines]
    return redacted


def _in_project(redacted_path: str) -> bool:
    """True for a path the redactor made relative: a file inside the project."""
    return not redacted_path.startswith(("<", "~", "/"))


def _map(value: Any, redact: Redactor) -> Any:
    if isinstance(value, enum.Enum):  # a word of ours (a mode, a status), not a text
        return value
    if isinstance(value, str):
        return redact(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _map(getattr(value, f.name), redact)
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [_map(v, redact) for v in value]
    if isinstance(value, tuple):
        return tuple(_map(v, redact) for v in value)
    if isinstance(value, dict):
        return {_map(k, redact): _map(v, redact) for k, v in value.items()}
    return value


def without_unshareable(run: Run) -> Run:
    """Drop the links to raw files the bundle leaves out."""
    for workload in run.workloads:
        for record in workload.runs:
            record.artifacts = {k: v for k, v in record.artifacts.items()
                                if not v.endswith(UNSHAREABLE)}
    return run


def bundle(run_dir: Path, destination: Optional[Path] = None,
           project: Optional[Path] = None) -> Path:
    """Write `<run>.zip` beside the report: redacted pages and the raw files that can be."""
    run_dir = Path(run_dir).resolve()
    run = results.load(run_dir / "results.json")
    redact = redactor(project)
    shared = without_unshareable(redact_run(run, redact))
    destination = Path(destination or run_dir.with_name(run_dir.name + "-shared.zip"))
    with tempfile.TemporaryDirectory() as scratch:
        pages = Path(scratch)
        render.render(shared, pages)
        results.save(shared, pages / "results.json")
        tmp = destination.with_name(f".{destination.name}.tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(pages.rglob("*")):
                if path.is_file():
                    archive.write(path, f"{run_dir.name}/{path.relative_to(pages)}")
            for path in sorted((run_dir / "raw").rglob("*")):
                data = _shareable(path, redact) if path.is_file() else None
                if data is not None:
                    archive.writestr(f"{run_dir.name}/{path.relative_to(run_dir)}", data)
        os.replace(tmp, destination)
    return destination


def _shareable(path: Path, redact: Redactor) -> Optional[bytes]:
    """A raw file's bytes with paths redacted, or None for the full captures left out."""
    if path.name.endswith(UNSHAREABLE):
        return None
    raw = path.read_bytes()
    if path.suffix == ".prof":
        try:
            return marshal.dumps(_map(marshal.loads(raw), redact))
        except (EOFError, ValueError, TypeError) as exc:
            raise ReporterError(f"{path}: not a readable pstats file ({exc})") from exc
    if path.suffix == ".json":
        try:
            return json.dumps(_map(json.loads(raw), redact)).encode()
        except ValueError:
            pass  # not JSON after all: treated as text below
    return redact(raw.decode("utf-8", errors="replace")).encode()
