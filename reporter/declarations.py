"""What a script declares at module level, read from its source without running it.

`CASES` (see `reporter.benchmark`) asks for benchmarks. `SCENARIOS` asks for extra unprofiled
runs of the same script with other arguments, compared side by side in the report::

    SCENARIOS = {
        "gc enabled": [],
        "gc disabled, one collect at the end": ["--no-gc"],
        "weakref back-references": ["--weak-parents"],
    }

`OBSERVATIONS`, a dict the script fills while it runs, is read after it ran (not here): numbers
and text show as a table, lists of numbers as charts.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Optional

from reporter.analysis.names import parse

CASES = "CASES"
SCENARIOS = "SCENARIOS"


def assignment(script: Path, name: str) -> Optional[ast.expr]:
    """The value last assigned to `name` at the script's top level, or None."""
    try:
        tree = parse(Path(script).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            found = value
    return found


def declares_cases(script: Path) -> bool:
    """Whether the script assigns `CASES` at module level."""
    return assignment(script, CASES) is not None


def scenarios(script: Path) -> dict[str, list[str]]:
    """The script's `SCENARIOS`: a literal dict of name to argument list; {} if absent or not
    a literal of that shape."""
    value = assignment(script, SCENARIOS)
    if value is None:
        return {}
    try:
        found = ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return {}

    def well_formed(name: object, args: object) -> bool:
        return isinstance(name, str) and isinstance(args, (list, tuple)) and all(
            isinstance(a, str) for a in args)

    if not isinstance(found, dict) or not all(well_formed(k, v) for k, v in found.items()):
        return {}
    return {k: list(v) for k, v in found.items()}


def project_files(script: Path) -> set[Path]:
    """The script and the files beside it that it imports, and those they import."""
    found: set[Path] = set()
    pending = [script.resolve()]
    while pending:
        path = pending.pop()
        if path in found or not path.is_file():
            continue
        found.add(path)
        pending.extend(_imported(path))
    return found


def _imported(path: Path) -> list[Path]:
    try:
        tree = parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)  # and `from package import module`:
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    files = []
    for name in names:
        parts = name.split(".")
        for root in (path.parent, Path.cwd()):
            base = root.joinpath(*parts)
            files += [p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()]
    return files


def uses_decorator(script: Path) -> bool:
    """Whether the script, or a project file it imports, imports our profiling decorator.

    Such a script gets a run of its own in which the decorator profiles; in every timing run
    it only counts calls.
    """
    for path in project_files(script):
        try:
            tree = parse(path.read_bytes())
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == \
                    "reporter" and not node.level:
                return True
            if isinstance(node, ast.Import) and any(
                    alias.name.split(".")[0] == "reporter" for alias in node.names):
                return True
    return False
