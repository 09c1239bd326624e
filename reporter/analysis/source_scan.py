"""What a script's source shows of the homework, read with `ast` and never run: classes with
plain attributes, `__slots__` or weak references, the timing, profiling and memory tools it
calls, its profiling decorators and whether each keeps one profile across calls, and its
`CASES`. Every finding names its file and line. `scan_sources` reads every file of the script's
that collect kept in `results.json`, so a report can be rendered again without the script.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

from reporter.analysis.names import parse
from reporter.results import WorkloadResult

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
