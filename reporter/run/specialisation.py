"""Which instructions a benchmark case really runs, read from the interpreter itself.

CPython 3.11+ rewrites an instruction in place once it has run a few times (PEP 659): a read
`o.x` becomes `LOAD_ATTR_INSTANCE_VALUE` on a plain instance and `LOAD_ATTR_SLOT` on a slotted
one. `dis` in adaptive mode shows the rewritten names, so they tell which mechanism a variant
went through: the answer to "why is it faster". Read in the timing process, after the warm-up
and after the last round, from the timed code and from the Python code the statement calls.

Only attribute and call instructions are kept: they are what a class's layout decides. While a
trace, profile or monitoring function is active (a profiler, a debugger, coverage) 3.11 does not
specialise and 3.12+ instruments, so nothing is read then and what was active is said instead.
"""

from __future__ import annotations

import dis
import opcode
import sys
import timeit
from types import CodeType
from typing import Any, Callable

from reporter.analysis.mechanism import TRACED

MAX_CALLED = 8  # Python functions a statement calls whose instructions are read
Reading = dict[str, Any]  # {"instructions": [[name, base, where, specialised], ...], "hidden": str}


def _bases() -> dict[str, str]:
    """Each specialised instruction's base name, from the interpreter's own table."""
    table: dict[str, list[str]] = getattr(opcode, "_specializations", {})
    return {special: base for base, forms in table.items() for special in forms}


BASES = _bases()


def is_mechanism(base: str) -> bool:
    """Attribute and call instructions: what a class's layout and methods decide."""
    return "ATTR" in base or "METHOD" in base or base.startswith(("CALL", "PRECALL"))


def unobservable() -> str:
    """Why specialisation cannot be seen in this process now; "" when it can."""
    if sys.version_info < (3, 11):
        return f"Python {sys.version_info[0]}.{sys.version_info[1]} does not specialise " \
               "instructions"
    active = [f"a trace function ({_name(sys.gettrace())})" if sys.gettrace() else "",
              f"a profile function ({_name(sys.getprofile())})" if sys.getprofile() else ""]
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        active += [f"the monitoring tool {monitoring.get_tool(tool)!r}" for tool in range(6)
                   if monitoring.get_tool(tool)]
    return ", ".join(a for a in active if a) + (f" {TRACED}" if any(active) else "")


def _name(hook: object) -> str:
    kind = hook if callable(hook) and hasattr(hook, "__qualname__") else type(hook)
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', '?')}"


def called_code(setup: str, stmt: str, namespace: dict[str, Any]) -> list[CodeType]:
    """The Python functions `stmt` calls (an `__init__`, a property, a descriptor), in call
    order, found by running it once under a profile function before anything is timed."""
    if sys.version_info < (3, 11) or sys.getprofile() or sys.gettrace():
        return []
    scope = dict(namespace)
    exec(setup, scope)  # pylint: disable=exec-used
    code = compile(stmt, "<case>", "exec")
    found: dict[CodeType, None] = {}

    def note(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code is not code and len(found) < MAX_CALLED:
            found[frame.f_code] = None

    sys.setprofile(note)
    try:
        exec(code, scope)  # pylint: disable=exec-used
    except Exception:  # pylint: disable=broad-exception-caught
        pass  # a statement that raises now and then is timed as it is: what it called is kept
    finally:
        sys.setprofile(None)
    return list(found)


def statement_lines(setup: str, stmt: str) -> range:
    """The lines of `stmt`'s first copy in the function `timeit.Timer` compiles around it."""
    template: str = getattr(timeit, "template")  # the source timeit formats (not in its stubs)
    before = template.split("{stmt}", maxsplit=1)[0]
    first = before.count("\n") + setup.count("\n") + 1  # the template's lines, setup grown
    return range(first, first + stmt.count("\n") + 1)


def read(timer: timeit.Timer, lines: range, called: list[CodeType]) -> Reading:
    """The attribute and call instructions of the timed statement and of the code it calls,
    as the interpreter runs them now; or what kept them from being seen."""
    hidden = unobservable()
    if hidden or sys.version_info < (3, 11):
        return {"instructions": [], "hidden": hidden}
    inner: Callable[..., Any] = getattr(timer, "inner")
    found: list[list[Any]] = []
    instrumented: set[str] = set()
    for code, where in [(inner.__code__, ""), *((c, c.co_qualname) for c in called)]:
        for instruction in dis.get_instructions(code, adaptive=True):
            name = instruction.opname
            line = instruction.positions.lineno if instruction.positions else None
            if where == "" and line not in lines:
                continue
            if name.startswith("INSTRUMENTED_"):
                instrumented.add(name)
            base = BASES.get(name, name)
            if is_mechanism(base):
                found.append([name, base, where, name != base and not name.endswith("_ADAPTIVE")])
    if instrumented:  # something instruments the code without a hook that sys shows
        names = ", ".join(sorted(instrumented))
        why = f"instrumented instructions ({names}): a tool that instruments code {TRACED}"
        return {"instructions": [], "hidden": why}
    return {"instructions": found, "hidden": ""}
