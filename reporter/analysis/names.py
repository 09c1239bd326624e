"""Qualified function names (`Plain.__init__`, `outer.<locals>.inner`) for every profiler.

No profiler gives them all: cProfile keys by `co_name`, memray records only `co_name`, 3.10 has
no `co_qualname`, pyinstrument names the class of `self` (wrong under inheritance), and a
dataclass's `__init__` lives in `<string>`. So a name is resolved from the best source there is:

1. the function object's `__qualname__`, where the capture could see it (dataclasses set it);
2. the code object's `co_qualname` (3.11+);
3. the source: an `ast` map from a file's lines to the enclosing `Class.method`;
4. else the plain name, unchanged: a name without a dot was not resolved.
"""

from __future__ import annotations

import ast
import functools
import re
import threading
from dataclasses import dataclass
from typing import Optional

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
# Up to 3.11 the interpreter builds an ast with one recursion counter for all threads: two
# threads parsing at once (the runner reads captures in two worker slots) corrupt it, and the
# parse fails with "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905).
_PARSING = threading.Lock()


@dataclass(frozen=True)
class _Definition:
    first: int  # the first decorator's line, which is co_firstlineno for a decorated function
    last: int
    name: str
    qualname: str


def without_address(name: str) -> str:
    """`<built-in method __new__ of type object at 0x7f...>` without the address, which
    differs in every process and would keep two runs from matching."""
    return _ADDRESS.sub("", name)


@functools.lru_cache(maxsize=65_536)
def qualify(file: str, line: int, name: str) -> str:
    """The qualified name of function `name` whose code spans `line` of `file`.

    `line` may be the function's first line (cProfile, pyinstrument) or any line inside it
    (memray's current line). Names the source cannot place come back unchanged.
    """
    if not file or file.startswith("<") or "." in name or name == "<module>":
        return name
    definitions = _definitions(file)
    enclosing = [d for d in definitions if d.first <= line <= d.last]
    if not enclosing:
        return name
    innermost = max(enclosing, key=lambda d: d.first)
    matching = [d for d in enclosing if d.name == name]
    if matching:
        return max(matching, key=lambda d: d.first).qualname
    if name.startswith("<"):  # <lambda>, <listcomp>, <genexpr> inside a function
        return f"{innermost.qualname}.<locals>.{name}"
    return name


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse`, one thread at a time: every parse of the reporter goes through here."""
    with _PARSING:
        return ast.parse(source, filename=filename)


@functools.lru_cache(maxsize=256)
def _definitions(file: str) -> tuple[_Definition, ...]:
    """Every function of a source file, with its span and qualified name; () if unreadable."""
    try:
        with open(file, "rb") as source:
            tree = parse(source.read(), filename=file)
    except (OSError, SyntaxError, ValueError):
        return ()
    found: list[_Definition] = []
    _walk(tree, "", found)
    return tuple(found)


# Definitions are statements, and only statements (and the bodies of `except` and `case`)
# hold statements: expressions are never walked, which is most of a file's nodes.
_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def _walk(node: ast.AST, prefix: str, found: list[_Definition]) -> None:
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, _HOLDS_STATEMENTS):
            continue
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            qualname = prefix + child.name
            first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
            found.append(_Definition(first, child.end_lineno or child.lineno, child.name,
                                     qualname))
            _walk(child, qualname + ".<locals>.", found)
        elif isinstance(child, ast.ClassDef):
            _walk(child, prefix + child.name + ".", found)
        else:
            _walk(child, prefix, found)


def code_qualname(code: object, functions: Optional[dict[int, str]] = None) -> str:
    """The best name for a code object: its function's `__qualname__` (from `functions`, a
    map of id(code) to it), `co_qualname`, the source, or `co_name`."""
    if functions and id(code) in functions:
        return functions[id(code)]
    qualname = getattr(code, "co_qualname", None)
    if qualname:
        return str(qualname)
    return qualify(getattr(code, "co_filename", ""), getattr(code, "co_firstlineno", 0),
                   getattr(code, "co_name", "?"))
