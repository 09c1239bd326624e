"""The interface every profiler implements, and the registry they join.

A profiler has two halves that never meet in one process: `capture` runs inside the child around
the script and writes one artifact; `summarize` runs in the collector and turns that artifact into
its `summary` dataclass, which the run record holds as `profile`. Its section of the page is its
`template`, a file beside its module. `docs/architecture.md` has the checklist for a new one.

A profiler is named by its registered name (ours: cprofile, pyinstrument, memray, lines), by an
installed entry point of the group `reporter.profilers`, or as `package.module:Class` (a class
or an instance), which the child processes and a later `reporter render` import again.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Optional, Protocol, cast

from reporter.errors import ReporterError
from reporter.harness import is_harness, runs_the_script
from reporter.vocabulary import Mode
from reporter.results.schema import (CProfileSummary, FunctionStat, LineTimeSummary,
                                     MemraySummary, PyinstrumentSummary)

__all__ = ["PROFILERS", "BaseProfiler", "Measure", "Profiler", "is_harness", "register", "resolve",
           "runs_the_script", "spec_of", "template_path"]

ENTRY_POINTS = "reporter.profilers"
# What `resolve` checks a profiler of another package has (`Profiler`, below).
PROTOCOL = ("name", "suffix", "limit_factor", "summary", "scope", "template", "unseen_words",
            "diff_graph", "capture", "summarize", "measures", "functions")


@dataclass(frozen=True)
class Measure:
    """A figure of a summary that `reporter compare` compares: its label, its unit ("bytes",
    "count", "seconds") and its value."""

    label: str
    unit: str
    value: float


class Profiler(Protocol):
    """What the runner, the collector, the pages and `compare` need of a profiler."""

    name: ClassVar[str]
    suffix: ClassVar[str]  # of its artifact's file name
    # A profiled run's time limit, without --timeout, is this many unprofiled medians (at
    # least a minute): about twice the largest slowdown measured for this profiler.
    limit_factor: ClassVar[float]
    summary: ClassVar[type]  # the dataclass `summarize` returns
    scope: ClassVar[str]  # what it sees of a run, said on its section: "the main thread..."
    template: ClassVar[str]  # its section's Jinja template, a file beside its module
    # How its section says what it missed while the script's own profiler held its hook.
    unseen_words: ClassVar[str]
    diff_graph: ClassVar[str]  # the graph kind `compare` draws against the base ("": none)

    def capture(self, artifact: Path) -> AbstractContextManager[None]:
        """Profile the code run inside the block and save the result to `artifact`, always."""

    def summarize(self, artifact: Path) -> Any:
        """Read `artifact` once into its `summary`; ArtifactError if it is unreadable."""

    def measures(self, summary: Any) -> Sequence[Measure]:
        """The summary's figures that `compare` compares between two runs."""

    def functions(self, summary: Any) -> Sequence[FunctionStat]:
        """The summary's per-function rows that `compare` matches between two runs."""


class BaseProfiler:
    """The defaults of a profiler, for a new one to start from: compared by nothing."""

    limit_factor: ClassVar[float] = 10.0  # a profiled run's limit: 10 unprofiled medians
    unseen_words: ClassVar[str] = "not seen for"
    diff_graph: ClassVar[str] = ""

    def measures(self, summary: Any) -> Sequence[Measure]:  # pylint: disable=unused-argument
        """None: a profiler says which of its figures `compare` compares."""
        return []

    def functions(self, summary: Any) -> Sequence[FunctionStat]:  # pylint: disable=unused-argument
        """None: a profiler with a function table gives its rows."""
        return []


@dataclass(frozen=True)
class Ours:
    """One of our profilers: where it is, and its summary class, known without importing it
    (memray's and pyinstrument's imports would be most of the time a load of results.json
    takes; the profiler says the same `summary`, a test checks)."""

    module: str
    summary: type


# Our profilers, in report order. Modules are imported on first use, so that a child loads
# only the profiler of its own run, and a bare timing run none at all.
MODULES = {
    "cprofile": Ours("reporter.profilers.cprofile", CProfileSummary),
    "pyinstrument": Ours("reporter.profilers.pyinstrument", PyinstrumentSummary),
    "memray": Ours("reporter.profilers.memray", MemraySummary),
    "lines": Ours("reporter.profilers.lines", LineTimeSummary),
}
OURS = tuple(MODULES)  # the default set of a run
_REGISTERED: dict[str, Profiler] = {}
_SPECS: dict[str, str] = {}  # name -> how a fresh process finds it ("module:attr")


class _Registry(Mapping[str, Profiler]):
    """Name -> profiler. Iterating lists ours, the ones loaded since and the installed entry
    points, importing none."""

    def __getitem__(self, name: str) -> Profiler:
        if name not in _REGISTERED:
            if name in MODULES:
                importlib.import_module(MODULES[name].module)
            elif name in _entry_points():
                resolve(_entry_points()[name])
        if name not in _REGISTERED:
            raise KeyError(name)
        return _REGISTERED[name]

    def __iter__(self) -> Iterator[str]:
        """Ours, those loaded since, then installed entry points not loaded yet."""
        return iter(dict.fromkeys([*MODULES, *_REGISTERED, *_entry_points()]))

    def __len__(self) -> int:
        return len(list(iter(self)))

    def __contains__(self, name: object) -> bool:
        return name in MODULES or name in _REGISTERED or name in _entry_points()


PROFILERS: Mapping[str, Profiler] = _Registry()


def register(profiler: Profiler, spec: str = "") -> Profiler:
    """Add a profiler to the registry. Its name becomes file names, a page's ids and a
    column: a word, and not a mode's; a second, different profiler of one name is refused."""
    if not profiler.name.isidentifier() or profiler.name in {m.value for m in Mode}:
        raise ReporterError(f"profiler name {profiler.name!r}: a profiler is named by a "
                            "word (letters, digits, _) that is not a run mode's")
    known = _REGISTERED.get(profiler.name)
    if known is not None and type(known) is not type(profiler):
        raise ReporterError(f"profiler {profiler.name!r} is registered twice")
    _REGISTERED.setdefault(profiler.name, profiler)
    if spec:
        _SPECS[profiler.name] = spec
    return _REGISTERED[profiler.name]


def resolve(spec: str) -> Profiler:
    """The profiler a name or a `package.module:Class` spec names, imported and registered;
    ReporterError in one line if there is none."""
    if ":" not in spec:
        try:
            return PROFILERS[spec]
        except KeyError:
            raise ReporterError(f"unknown profiler {spec} (choose from "
                                f"{', '.join(PROFILERS)}, or name one as module:Class)") from None
    module_name, _, attr = spec.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ReporterError(f"cannot load profiler {spec!r}: {exc}") from exc
    missing = [a for a in PROTOCOL if not hasattr(found, a)]
    if missing:
        raise ReporterError(f"{spec!r} is not a profiler: it has no {', '.join(missing)}")
    try:
        profiler = cast(Profiler, found() if inspect.isclass(found) else found)  # checked above
    except TypeError as exc:
        raise ReporterError(f"cannot make the profiler {spec!r}: {exc}") from exc
    if not template_path(profiler).is_file():
        raise ReporterError(f"profiler {spec!r}: its template {template_path(profiler)} "
                            "is missing")
    return register(profiler, spec)


def summary_class(name: str) -> Optional[type]:
    """The summary class of the profiler of that name (ours without importing it); None if
    no profiler of that name can be found."""
    if name in _REGISTERED:
        return _REGISTERED[name].summary
    if name in MODULES:
        return MODULES[name].summary
    profiler = PROFILERS.get(name)  # an installed entry point
    return profiler.summary if profiler else None


def spec_of(name: str) -> str:
    """How a fresh process finds the profiler of that name: its name for ours, its
    `module:attr` for one loaded by spec (an installed entry point's included)."""
    return _SPECS.get(name, name)


def specs() -> dict[str, str]:
    """The profilers loaded by spec, name -> spec: what `results.json` records so that a later
    `reporter render` finds them."""
    return dict(_SPECS)


def module_path(profiler: Profiler) -> Path:
    """The file of the module that defines the profiler."""
    return Path(str(sys.modules[type(profiler).__module__].__file__))


def template_path(profiler: Profiler) -> Path:
    """Where the profiler's section template is: beside the module that defines it."""
    return module_path(profiler).parent / profiler.template


@functools.lru_cache(maxsize=1)
def _entry_points() -> dict[str, str]:
    """Installed plug-ins: name -> spec (importlib.metadata is imported only when asked: a
    third of a results.json load otherwise)."""
    from importlib import metadata  # pylint: disable=import-outside-toplevel
    return {e.name: e.value for e in metadata.entry_points(group=ENTRY_POINTS)}
