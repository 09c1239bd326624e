"""The homework checklist: what a script's report shows of each part of the homework.

The homework asks to compare objects with plain attributes, `__slots__` and weak references,
to profile by calls and by memory, to write a profiling decorator that accumulates over calls,
and to pass flake8 and pylint. `checklist(result)` says, for each, what the SCRIPT did (from
what ran: the hand-off's records of its own tools, the functions our cProfile saw it call; else
from its source, which collect keeps in `results.json`) apart from what the REPORTER did (its
benchmark of the script's `CASES`, its profiled runs, `profile_deco`). Each item says what was
found and where; none is a mark.

The source is read with `ast` (`scan`), never run: findings name the file and line.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

from reporter.analysis.names import parse
from reporter.results import (CProfileSummary, MemraySummary, OwnTool, PyinstrumentSummary,
                              WorkloadResult)
from reporter.vocabulary import Mode

# The script's page's sections an item points at (their ids in the templates).
DECORATOR_SECTION = Mode.DECORATED.value  # the section of the decorated run
BENCHMARK_SECTION = "benchmark"
OUTPUT_SECTION = "output"
MEMORY_SECTION = "memory-management"
# A profiler section's sentences on the script's own tools: `<profiler>-own-tools`.
OWN_TOOLS = "own-tools"

WEAKREF_APIS = {f"weakref.{n}" for n in ("ref", "proxy", "finalize", "WeakValueDictionary",
                                         "WeakKeyDictionary", "WeakSet", "WeakMethod")}
TIMING_APIS = {"timeit.timeit", "timeit.repeat", "timeit.Timer", "timeit.default_timer",
               "time.perf_counter", "time.perf_counter_ns", "time.process_time",
               "time.process_time_ns", "time.monotonic", "time.time"}
PROFILE_CLASSES = {"cProfile.Profile", "profile.Profile", "_lsprof.Profiler"}
CALL_PROFILER_APIS = PROFILE_CLASSES | {"cProfile.run", "cProfile.runctx", "profile.run",
                                        "profile.runctx", "sys.setprofile",
                                        "threading.setprofile", "pyinstrument.Profiler",
                                        "sys.monitoring.use_tool_id"}
MONITORING = "sys.monitoring.use_tool_id"
MEMORY_APIS = {"tracemalloc.start", "tracemalloc.take_snapshot", "memory_profiler.profile",
               "memory_profiler.memory_usage", "memory_profiler.LineProfiler"}
# What our cProfile sees of timeit when the script calls it: timeit.py's functions.
TIMEIT_FUNCTIONS = ("timeit", "repeat", "Timer.timeit", "Timer.repeat", "Timer.autorange")
# The script's own tools (OwnTool.tool) that profile by calls, and by memory (tool or name).
CALL_TOOLS = ("cProfile", "sys.setprofile", "threading.setprofile", "sys.monitoring",
              "threading.setprofile_all_threads")
MEMORY_TOOLS = ("tracemalloc", "memory_profiler")
CALL_PROFILERS = ("cprofile", "pyinstrument")  # ours, by their registered names
MEMORY_PROFILER = "memray"


@dataclass
class Location:
    """A line of one of the script's files, as the checklist points at it."""

    file: str
    line: int

    @property
    def short(self) -> str:
        """`file.py:12`: the file's name and the line."""
        return f"{os.path.basename(self.file)}:{self.line}"


@dataclass
class Use:
    """A call, import or decorator of an API the checklist looks for, in the source."""

    api: str  # its qualified name: "weakref.ref", "timeit.repeat", "tracemalloc"
    at: Location
    scope: str  # the function or class it is in, "" at module level
    in_class: bool = False  # inside a class body or one of its methods


@dataclass
class ClassFinding:
    """A class of the script's, with how it holds its attributes."""

    name: str
    at: Location
    slots: str = ""  # "__slots__" or "dataclass(slots=True)"; "" for none
    weakrefs: list[str] = field(default_factory=list)  # weakref APIs its code calls
    plain: bool = False  # attributes in the instance's __dict__ (assigned on self, or fields)

    @property
    def kinds(self) -> list[str]:
        """How it holds its attributes, in words."""
        found = [self.slots] if self.slots else []
        found += self.weakrefs
        return found + (["plain attributes"] if self.plain and not self.slots else [])


@dataclass
class DecoratorFinding:
    """A decorator of the script's own whose wrapper runs a profiler around each call."""

    name: str  # the decorator: a function's or a class's qualified name
    at: Location
    wrapper: str  # the function that runs at each call
    first: int  # the wrapper's lines
    last: int
    accumulates: bool  # one profile (or one sum) kept across calls
    how: str  # how that was told, in words
    applied_to: list[str] = field(default_factory=list)


@dataclass
class SourceFindings:
    """What the script's own files hold, read with `ast`."""

    files: list[str] = field(default_factory=list)  # the files read
    unparsed: list[str] = field(default_factory=list)  # kept, but not Python that parses
    classes: list[ClassFinding] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    decorators: list[DecoratorFinding] = field(default_factory=list)
    cases: Optional[Location] = None  # where it assigns CASES at module level

    def using(self, apis: Union[set[str], Sequence[str]]) -> list[Use]:
        """The uses of these APIs, in the order found."""
        return [u for u in self.uses if u.api in apis]


class _Scanner(ast.NodeVisitor):
    """One pass over a module: classes, the APIs looked for, with their scope."""

    def __init__(self, file: str, aliases: dict[str, str]) -> None:
        self.file = file
        self.aliases = aliases
        self.scope: list[tuple[str, bool]] = []  # (name, is a class)
        self.found = SourceFindings(files=[file])

    def at(self, node: ast.AST) -> Location:
        """Where a node is."""
        return Location(self.file, getattr(node, "lineno", 0))

    def qualname(self, name: str) -> str:
        """A definition's qualified name, as Python gives it, in the current scope."""
        parts = []
        for outer, is_class in self.scope:
            parts += [outer] if is_class else [outer, "<locals>"]
        return ".".join([*parts, name])

    def use(self, api: str, node: ast.AST, scope: str = "") -> None:
        """Record a use of an API of interest (in `scope`, else the current one)."""
        if api in WEAKREF_APIS | TIMING_APIS | CALL_PROFILER_APIS | MEMORY_APIS:
            scope = scope or ".".join(name for name, _ in self.scope)
            self.found.uses.append(Use(api, self.at(node), scope,
                                       any(is_class for _, is_class in self.scope)))

    def visit_Import(self, node: ast.Import) -> None:  # pylint: disable=invalid-name
        """`import tracemalloc`, `import memory_profiler`: the module, as a use."""
        for alias in node.names:
            self.found.uses.append(Use(alias.name, self.at(node), ""))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # pylint: disable=invalid-name
        """`from memory_profiler import profile`: the module, and the name."""
        if node.module and not node.level:
            self.found.uses.append(Use(node.module, self.at(node), ""))
            for alias in node.names:
                self.use(f"{node.module}.{alias.name}", node)

    def visit_Call(self, node: ast.Call) -> None:  # pylint: disable=invalid-name
        """A call of an API of interest; `x.use_tool_id(...)` is sys.monitoring's, however
        the script reached it."""
        func = node.func
        monitoring = isinstance(func, ast.Attribute) and func.attr == "use_tool_id"
        self.use(MONITORING if monitoring else qualified(func, self.aliases), node)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:  # pylint: disable=invalid-name
        """A function: its decorators are uses; its body is a scope."""
        self._function(node)

    def visit_AsyncFunctionDef(  # pylint: disable=invalid-name
            self, node: ast.AsyncFunctionDef) -> None:
        """As a function."""
        self._function(node)

    def _function(self, node: Union[ast.FunctionDef, ast.AsyncFunctionDef]) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            self.use(qualified(target, self.aliases), decorator, self.qualname(node.name))
        self.scope.append((node.name, False))
        for child in node.body:
            self.visit(child)
        self.scope.pop()
        for default in node.args.defaults:
            self.visit(default)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # pylint: disable=invalid-name
        """A class: how it holds its attributes."""
        found = ClassFinding(self.qualname(node.name), self.at(node))
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            name = qualified(call.func if call else decorator, self.aliases)
            if name == "dataclasses.dataclass":
                slots = any(k.arg == "slots" and isinstance(k.value, ast.Constant)
                            and k.value.value is True for k in (call.keywords if call else []))
                found.slots = found.slots or ("dataclass(slots=True)" if slots else "")
                found.plain = found.plain or not slots and any(
                    isinstance(s, ast.AnnAssign) for s in node.body)
        if any(_assigns(s, "__slots__") for s in node.body):
            found.slots = "__slots__"
        before = len(self.found.uses)
        self.scope.append((node.name, True))
        for child in node.body:
            self.visit(child)
        self.scope.pop()
        found.weakrefs = list(dict.fromkeys(
            u.api for u in self.found.uses[before:]
            if u.api in WEAKREF_APIS and u.scope.split(".")[0] == node.name))
        found.plain = found.plain or any(
            isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
            for s in ast.walk(node) if isinstance(s, (ast.Assign, ast.AnnAssign, ast.AugAssign))
            for t in (s.targets if isinstance(s, ast.Assign) else [s.target]))
        if found.kinds:
            self.found.classes.append(found)


def _assigns(statement: ast.stmt, name: str) -> bool:
    """Whether a statement assigns that name."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign):
        targets = [statement.target]
    else:
        return False
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)


def imported_names(tree: ast.Module) -> dict[str, str]:
    """What each imported name stands for: `wr` -> `weakref`, `ref` -> `weakref.ref`."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    found[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return found


def qualified(node: ast.expr, names: dict[str, str]) -> str:
    """An expression's dotted name through the imports (`wr.ref` -> `weakref.ref`), "" where it
    is not an imported name."""
    if isinstance(node, ast.Name):
        return names.get(node.id, "")
    if isinstance(node, ast.Attribute):
        base = qualified(node.value, names)
        return f"{base}.{node.attr}" if base else ""
    return ""


def scan(text: str, file: str) -> SourceFindings:
    """What one file of the script holds; `unparsed` names it if it does not parse."""
    try:
        tree = parse(text, filename=file)
    except (SyntaxError, ValueError):
        return SourceFindings(unparsed=[file])
    names = imported_names(tree)
    scanner = _Scanner(file, names)
    scanner.visit(tree)
    found = scanner.found
    found.decorators = list(_decorators(tree, names, file))
    cases = next((s for s in tree.body if _assigns(s, "CASES")), None)
    found.cases = Location(file, cases.lineno) if cases else None
    return found


Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


def _decorators(tree: ast.Module, names: dict[str, str],
                file: str) -> Iterator[DecoratorFinding]:
    """Functions that return a wrapper, and classes with a `__call__`, whose wrapper runs a
    profiler around the call; whether what it measures is kept across calls."""
    made, applied = _profiles_made(tree, names), _applied(tree)
    reported: set[int] = set()  # wrappers already reported (a factory's, under the factory)
    for node, qualname in _definitions(tree):
        if isinstance(node, ast.ClassDef):
            wrapper = next((s for s in node.body if isinstance(s, (ast.FunctionDef,
                                                                   ast.AsyncFunctionDef))
                            and s.name == "__call__"), None)
            wrapper_name = f"{qualname}.__call__"
        else:
            wrapper, wrapper_name = node, qualname
            while (inner := _returned_function(wrapper)) is not None:  # a factory: go down
                wrapper, wrapper_name = inner, f"{wrapper_name}.<locals>.{inner.name}"
            wrapper = None if wrapper is node else wrapper
        if wrapper is None or id(wrapper) in reported:
            continue
        told = _accumulates(wrapper, made, names)
        if told is None:
            continue
        reported.add(id(wrapper))
        accumulates, how = told
        yield DecoratorFinding(qualname, Location(file, node.lineno), wrapper_name,
                               wrapper.lineno, wrapper.end_lineno or wrapper.lineno,
                               accumulates, how, applied.get(node.name, []))


def _applied(tree: ast.Module) -> dict[str, list[str]]:
    """The functions each name decorates (`@name` or `@name(...)`)."""
    applied: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Name):
                    applied.setdefault(target.id, []).append(node.name)
    return applied


def _returned_function(function: Function) -> Optional[Function]:
    """The function defined in `function`'s body that it returns, if any."""
    returned = {r.value.id for r in ast.walk(function)
                if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)}
    defined = (s for s in function.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return next((s for s in defined if s.name in returned), None)


def _definitions(tree: ast.Module) -> Iterator[tuple[Union[Function, ast.ClassDef], str]]:
    """Every function and class, with its qualified name."""
    def walk(body: list[ast.stmt],
             prefix: str) -> Iterator[tuple[Union[Function, ast.ClassDef], str]]:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{node.name}"
                yield node, name
                inner = f"{name}." if isinstance(node, ast.ClassDef) else f"{name}.<locals>."
                yield from walk(node.body, inner)
    return walk(tree.body, "")


def _profiles_made(tree: ast.Module, names: dict[str, str]) -> dict[str, list[ast.AST]]:
    """Where profiles are made: each name (`profiler`, `self.profiler`) assigned a new
    cProfile/profile Profile, with the functions (or the module) that assign it."""
    made: dict[str, list[ast.AST]] = {}

    def visit(node: ast.AST, scope: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else scope
            if isinstance(child, ast.Assign) and isinstance(child.value, ast.Call) and \
                    qualified(child.value.func, names) in PROFILE_CLASSES:
                for target in child.targets:
                    made.setdefault(ast.unparse(target), []).append(scope)
            visit(child, inner)

    visit(tree, tree)
    return made


def _accumulates(wrapper: Function, made: dict[str, list[ast.AST]],
                 names: dict[str, str]) -> Optional[tuple[bool, str]]:
    """Whether the wrapper runs a profiler (None: it does not), and whether what it measures
    is kept across calls, with how that was told."""
    own = _local_names(wrapper)
    for node in ast.walk(wrapper):
        if isinstance(node, ast.withitem) and isinstance(node.context_expr, ast.Call) and \
                qualified(node.context_expr.func, names) in PROFILE_CLASSES:
            return False, "a new profile in a `with` block at each call"
        if not isinstance(node, ast.Call):
            continue
        api = qualified(node.func, names)
        if api in ("cProfile.run", "cProfile.runctx", "profile.run", "profile.runctx"):
            return False, f"{api} at each call, a new profile each time"
        if not (isinstance(node.func, ast.Attribute)
                and node.func.attr in ("enable", "runcall", "runctx")):
            continue
        if isinstance(node.func.value, ast.Call) and \
                qualified(node.func.value.func, names) in PROFILE_CLASSES:
            return False, f"a new profile at each call ({ast.unparse(node.func)})"
        receiver = ast.unparse(node.func.value)
        if receiver not in made:
            continue  # not a profile: gc.enable()
        if wrapper in made[receiver] and (receiver.split(".", maxsplit=1)[0] in own
                                          or receiver.startswith("self.")):
            return False, f"a new profile, {receiver}, made at each call"
        kept = ("on the instance" if receiver.startswith("self.") else
                "once, kept in a nonlocal or global name" if wrapper in made[receiver] else
                "outside the wrapper")
        return True, f"one profile, {receiver}, made {kept} and enabled at each call"
    return None


def _local_names(function: Function) -> set[str]:
    """The names a function binds itself (its parameters, assignments, `with ... as`, loop
    targets), less those it declares nonlocal or global."""
    shared: set[str] = set()
    bound = {a.arg for a in [*function.args.posonlyargs, *function.args.args,
                             *function.args.kwonlyargs]}
    for node in ast.walk(function):
        if isinstance(node, (ast.Nonlocal, ast.Global)):
            shared.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return bound - shared


def scan_sources(result: WorkloadResult) -> Optional[SourceFindings]:
    """Every kept file of the script's own (collect keeps the script's text in
    `results.json`), the script first; None when its text was not kept."""
    script = script_source(result)
    if script is None:
        return None
    found = SourceFindings()
    for file in [script, *(f for f in sorted(result.sources) if f != script)]:
        one = scan(result.sources[file], file)
        found.files += one.files
        found.unparsed += one.unparsed
        found.classes += one.classes
        found.uses += one.uses
        found.decorators += one.decorators
        found.cases = found.cases or one.cases
    return found


def script_source(result: WorkloadResult) -> Optional[str]:
    """The key of the script's own text among the kept sources, if it was kept."""
    wanted = os.path.normpath(result.script)
    for file in result.sources:
        if os.path.normpath(file) == wanted or file.endswith(os.sep + wanted.lstrip(os.sep)) \
                or os.path.abspath(wanted) == file:
            return file
    return None


# The checklist.


@dataclass
class Anchor:
    """Where an item points on the script's page: a section's id, or a line of a file
    (drawn in Line by line, where the page shows it)."""

    section: str = ""
    at: Optional[Location] = None


@dataclass
class ChecklistItem:
    """One part of the homework: what the script did, what the reporter did, where the page
    shows each (candidates, the first that the page has wins). `found` is None where it could
    not be looked at (no source kept, lint not run)."""

    topic: str
    by_script: str
    by_reporter: str
    found: Optional[bool]
    script_links: list[Anchor] = field(default_factory=list)
    reporter_links: list[Anchor] = field(default_factory=list)
    key: str = ""  # a stable name: "classes", "by-calls", "by-memory", "decorator", "lint"
    unknown: str = "not looked at"  # what `found` None means, in words


@dataclass
class Checklist:
    """A script's homework checklist, one item per part."""

    workload: str
    items: list[ChecklistItem]

    def item(self, key: str) -> ChecklistItem:
        """The item of that key."""
        return next(i for i in self.items if i.key == key)


@dataclass
class Evidence:
    """What one pass over a result gives every item: the source and what ran."""

    result: WorkloadResult
    source: Optional[SourceFindings]
    tools: list[OwnTool]  # the script's own tools, as the guarded runs recorded them
    guarded: bool  # whether any run had the guard that records them


def evidence(result: WorkloadResult) -> Evidence:
    """The source's findings and the script's own tools, each use once (with the most
    windows any run saw)."""
    tools: dict[tuple[str, str, str, int], OwnTool] = {}
    for record in result.runs:
        for tool in record.own_tools:
            key = (tool.tool, tool.name, tool.file, tool.line)
            if key not in tools or tools[key].windows < tool.windows:
                tools[key] = tool
    guarded = any(r.ok for r in result.runs if not r.mode.timing and not r.mode.benchmark)
    return Evidence(result, scan_sources(result), sorted(tools.values(), key=lambda t: t.first_s),
                    guarded)


def _listed(words: Sequence[str], limit: int = 4) -> str:
    shown = list(dict.fromkeys(words))
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _uses_said(uses: Sequence[Use]) -> str:
    by_api: dict[str, list[str]] = {}
    for u in uses:
        by_api.setdefault(u.api, []).append(u.at.short)
    return "; ".join(f"{api} at {_listed(where, 3)}" for api, where in by_api.items())


def _tool_said(tool: OwnTool) -> str:
    said = tool.name if tool.name == tool.tool else f"{tool.name} ({tool.tool})"
    if tool.file:
        said += f" from {Location(tool.file, tool.line).short}"
    return said + (f", {tool.windows} times" if tool.windows > 1 else "")


def _not_in_source(ev: Evidence, what: str) -> str:
    if ev.source is None:
        return f"{what}: its source was not kept, so it was not looked for there"
    return f"no {what} found"


def _timeit_ran(result: WorkloadResult) -> int:
    """How many timings our cProfile saw the script make with timeit (0: none)."""
    record = next((r for r in result.profiled if r.profile_as(CProfileSummary)), None)
    summary = record.profile_as(CProfileSummary) if record else None
    rows = [f for f in summary.functions if os.path.basename(f.file) == "timeit.py"
            and f.function in TIMEIT_FUNCTIONS] if summary else []
    return max((f.calls for f in rows if f.function == "Timer.timeit"),
               default=max((f.calls for f in rows), default=0))


def classes_item(ev: Evidence) -> ChecklistItem:
    """Classes compared: the script's own timing and its classes; the reporter's benchmark."""
    said, links = [], []
    timed = _timeit_ran(ev.result)
    timing = ev.source.using(TIMING_APIS) if ev.source else []
    if timed:
        said.append(f"timed with timeit ({timed} timings seen by our cProfile)")
    elif timing:
        said.append(f"times with {_uses_said(timing)} (in the source)")
    links += [Anchor(at=u.at) for u in timing[:1]] + [Anchor(OUTPUT_SECTION)]
    classes = ev.source.classes if ev.source else []
    kinds: dict[str, list[str]] = {}
    for c in classes:
        for kind in c.kinds:
            kinds.setdefault(kind, []).append(c.name)
    if classes:
        said.append("classes: " + "; ".join(f"{kind}: {_listed(names)}"
                                            for kind, names in kinds.items()))
        special = [c for c in classes if c.slots or c.weakrefs] or classes
        links = [Anchor(at=special[0].at), *links]
    loose = [u for u in (ev.source.using(WEAKREF_APIS) if ev.source else []) if not u.in_class]
    if loose:
        said.append(f"weak references outside its classes: {_uses_said(loose)}")
    if not said:
        said.append(_not_in_source(ev, "timing, __slots__ or weakref classes"))
    found = bool(timed or timing or any(c.slots or c.weakrefs for c in classes) or loose
                 or ev.result.benchmark is not None)
    return ChecklistItem("Classes compared", "; ".join(said), _benchmark_said(ev), found, links,
                         [Anchor(BENCHMARK_SECTION)], key="classes")


def _benchmark_said(ev: Evidence) -> str:
    """The reporter's benchmark of the script's CASES: its variants and operations."""
    bench = ev.result.benchmark
    if bench is not None:
        declared = [c for c in bench.cases if not c.control]  # the controls are ours
        variants = list(dict.fromkeys(c.variant for c in declared))
        operations = list(dict.fromkeys(c.operation for c in declared))
        return (f"benchmark of its CASES: {len(variants)} variants ({_listed(variants, 6)}) "
                f"× {len(operations)} operations, {len(declared)} cases timed, "
                f"{len(bench.memory)} variants sized")
    if ev.source is not None and ev.source.cases is not None:
        return f"CASES declared at {ev.source.cases.short}, but no benchmark result"
    return "no benchmark: the script declares no CASES"


def _profiler_runs(ev: Evidence, names: Sequence[str]) -> tuple[str, list[Anchor]]:
    said, links = [], []
    for name in names:
        record = ev.result.profiled_by(name)
        if record is None:
            continue
        links.append(Anchor(record.name))
        if record.profile is None:
            said.append(f"{name}: {record.status.label}, no profile")
            continue
        cprofile, memray = record.profile_as(CProfileSummary), record.profile_as(MemraySummary)
        sampled = record.profile_as(PyinstrumentSummary)
        figures = (f"{cprofile.total_calls:,} calls" if cprofile else
                   f"{sampled.samples:,} samples" if sampled else
                   f"peak {memray.peak_bytes / 2**20:.1f} MiB" if memray else "a profile")
        said.append(f"{name}: {figures}" + (" (partial)" if record.partial else ""))
    return "; ".join(said), links


def _own_tools_item(ev: Evidence, tools: list[OwnTool], in_source: list[Use],
                    what: str) -> tuple[str, list[Anchor], bool]:
    """The script's side of a profiling item: what ran, else what its source holds."""
    placed = {(t.tool, t.name) for t in tools if t.file}
    tools = [t for t in tools if t.file or (t.tool, t.name) not in placed]  # a thread's start
    if tools:
        said = "ran its own " + "; ".join(_tool_said(t) for t in tools)
        links = [Anchor(f"{r.name}-{OWN_TOOLS}") for r in ev.result.profiled
                 if any(t in tools for t in r.own_tools)][:1]
        return said, links + [Anchor(OUTPUT_SECTION)], True
    if in_source:
        seen = "no guarded run saw it start" if ev.guarded else "no guarded run made"
        return (f"{what} in its source ({_uses_said(in_source)}); {seen}",
                [Anchor(at=in_source[0].at), Anchor(OUTPUT_SECTION)], True)
    return _not_in_source(ev, what), [], False


def calls_item(ev: Evidence) -> ChecklistItem:
    """Profiled by calls: the script's own cProfile, profile or profile function; ours."""
    tools = [t for t in ev.tools if t.tool in CALL_TOOLS]
    in_source = ev.source.using(CALL_PROFILER_APIS | {"cProfile", "profile", "pyinstrument"}) \
        if ev.source else []
    by_script, script_links, script_found = _own_tools_item(
        ev, tools, in_source, "call profiler")
    by_reporter, links = _profiler_runs(ev, CALL_PROFILERS)
    return ChecklistItem("Profiled by calls", by_script, by_reporter or "no run of cProfile or "
                         "pyinstrument", script_found or bool(links), script_links, links,
                         key="by-calls")


def memory_item(ev: Evidence) -> ChecklistItem:
    """Profiled by memory: the script's memory_profiler or tracemalloc; memray, the decorator's
    memory mode and the gc and pymalloc probe of ours."""
    tools = [t for t in ev.tools if t.tool in MEMORY_TOOLS or t.name in MEMORY_TOOLS]
    in_source = ev.source.using(MEMORY_APIS | {"tracemalloc", "memory_profiler"}) \
        if ev.source else []
    by_script, script_links, script_found = _own_tools_item(
        ev, tools, in_source, "memory profiler")
    by_reporter, links = _profiler_runs(ev, (MEMORY_PROFILER,))
    sized = [d.name for d in ev.result.decorated if d.memory]
    if sized:
        by_reporter += "; " if by_reporter else ""
        by_reporter += f"profile_deco(memory=True): {_listed(sized)}"
        links.append(Anchor(DECORATOR_SECTION))
    if ev.result.insights is not None:
        by_reporter += ("; " if by_reporter else "") + "gc and pymalloc around an unprofiled run"
        links.append(Anchor(MEMORY_SECTION))
    return ChecklistItem("Profiled by memory", by_script, by_reporter or "no memray run",
                         script_found or bool(links), script_links, links, key="by-memory")


def decorator_item(ev: Evidence) -> ChecklistItem:
    """A profiling decorator that accumulates over calls: the script's own (from its source,
    with what ran from its wrapper), or ours (`profile_deco`)."""
    said, links = [], []
    found = False
    for d in ev.source.decorators if ev.source else []:
        ran = [t for t in ev.tools if os.path.basename(t.file) == os.path.basename(d.at.file)
               and d.first <= t.line <= d.last]
        words = f"{d.name}" + (f" on {_listed(d.applied_to)}" if d.applied_to else "")
        words += (": accumulates, " if d.accumulates else ": does not accumulate, ") + d.how
        words += " (read in its source)"
        if ran:
            words += "; ran: " + "; ".join(
                f"{t.name} started {t.windows} times from {Location(t.file, t.line).short}"
                for t in ran)
        said.append(words)
        links.append(Anchor(at=d.at))
        found = found or d.accumulates
    library = [u for u in ev.source.using({"memory_profiler.profile"}) if u.scope] \
        if ev.source else []
    if not said:
        said.append(_not_in_source(ev, "profiling decorator of its own"))
        if library:
            said[-1] += f" (memory_profiler's @profile on {_listed([u.scope for u in library])})"
    decorated = ev.result.decorated
    if decorated:
        by_reporter = "reporter.profile_deco on " + _listed(
            [f"{d.name} ({d.calls:,} call{'' if d.calls == 1 else 's'})" for d in decorated])
    else:
        by_reporter = "reporter.profile_deco not used"
    return ChecklistItem("Profiling decorator", "; ".join(said), by_reporter,
                         found or bool(decorated), links,
                         [Anchor(DECORATOR_SECTION)] if decorated else [], key="decorator")


def lint_item(ev: Evidence) -> ChecklistItem:
    """flake8 and pylint: THE SLOT FOR THE LINT SECTION (branch `lint`), which adds a
    `lint` field to the workload's result. Until then, or where it was not run: "lint not
    run". Replace the body below with what that field holds, said in a few words."""
    lint = getattr(ev.result, "lint", None)
    if lint is None:
        return ChecklistItem("flake8 and pylint", "", "lint not run", None, key="lint",
                             unknown="not run")
    return ChecklistItem("flake8 and pylint", "", "lint ran: see its section", None,
                         reporter_links=[Anchor("lint")], key="lint", unknown="see its section")


# The items, in the order the homework asks for them; each is a function of the evidence.
ITEMS: tuple[Callable[[Evidence], ChecklistItem], ...] = (
    classes_item, calls_item, memory_item, decorator_item, lint_item)


def checklist(result: WorkloadResult) -> Checklist:
    """The script's homework checklist."""
    ev = evidence(result)
    return Checklist(result.name, [item(ev) for item in ITEMS])
