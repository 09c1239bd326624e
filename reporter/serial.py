"""Typed JSON: dataclasses to plain data and back, every field checked against its hint.

Every file one stage writes for another (`results.json`, a child's records, the benchmark's)
is read through `from_data`, so a damaged or foreign file is refused with the field that is
wrong, never half-read. Each class's hints are resolved once: loading costs a small multiple
of `json.load` (`nox -s bench` measures it).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import os
import tempfile
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, Optional, TypeVar

T = TypeVar("T")
# Where a field's type depends on the data (a run's profile, whose summary class is its
# profiler's): (class, field, the object's data) -> the hint to read it with, or None.
Resolver = Callable[[type, str, dict[str, Any]], Optional[Any]]


def to_data(value: Any) -> Any:
    """Plain JSON data of a dataclass (enums as their values)."""
    return dataclasses.asdict(value)


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys, so that two files diff cleanly (after json.tool)."""
    return json.dumps(to_data(value), separators=(",", ":"), sort_keys=True)


def from_data(cls: type[T], data: Any, where: str = "",
              resolve: Optional[Resolver] = None) -> T:
    """Build a dataclass from JSON data, checking every field against its type hint; a
    wrong field raises ValueError naming it (`where`, dotted)."""
    return typing.cast(T, _Reader(resolve).read(cls, data, where or cls.__name__))


@functools.lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A dataclass's resolved hints and the names its constructor takes (once per class)."""
    hints = typing.get_type_hints(cls)
    return hints, frozenset(f.name for f in dataclasses.fields(cls) if f.init)


@functools.lru_cache(maxsize=None)
def _args(hint: Any) -> tuple[Any, tuple[Any, ...]]:
    return typing.get_origin(hint), typing.get_args(hint)


class _Reader:
    """One reading of a document: the hint of every value, checked."""

    def __init__(self, resolve: Optional[Resolver]) -> None:
        self.resolve = resolve

    def read(self, hint: Any, value: Any, where: str) -> Any:
        """The value read as its hint says, or ValueError naming `where`."""
        origin, args = _args(hint)
        if hint is Any:
            return value
        if origin in (typing.Union, types.UnionType):
            if value is None and types.NoneType in args:
                return None
            (inner,) = [o for o in args if o is not types.NoneType]
            return self.read(inner, value, where)
        if dataclasses.is_dataclass(hint):
            return self.dataclass(typing.cast(type, hint), value, where)
        if origin in (list, tuple, dict):
            return self.container(origin, args, value, where)
        return _scalar(hint, value, where)

    def container(self, origin: Any, args: tuple[Any, ...], value: Any, where: str) -> Any:
        """A list, a tuple[X, ...] (a JSON list too) or a dict, each item read."""
        if origin is dict:
            _expect(value, dict, where)
            return {str(k): self.read(args[1], v, f"{where}.{k}") for k, v in value.items()}
        _expect(value, list, where)
        items = [self.read(args[0], v, f"{where}[{i}]") for i, v in enumerate(value)]
        return items if origin is list else tuple(items)

    def dataclass(self, cls: type, value: Any, where: str) -> Any:
        """A dataclass from a JSON object: no unknown field, every known one read."""
        _expect(value, dict, where)
        hints, names = _fields(cls)
        unknown = set(value) - names
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kwargs = {}
        for key, item in value.items():
            hint = self.resolve(cls, key, value) if self.resolve else None
            kwargs[key] = self.read(hints[key] if hint is None else hint, item, f"{where}.{key}")
        try:
            return cls(**kwargs)
        except TypeError as exc:
            raise ValueError(f"{where}: {exc}") from exc


def _scalar(hint: Any, value: Any, where: str) -> Any:
    """A number, a string, a boolean or one of our enums."""
    if hint is float:
        _expect(value, (int, float), where)
        return float(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            raise ValueError(f"{where}: {value!r} is not a {hint.__name__}") from None
    _expect(value, hint, where)
    return value


def _expect(value: Any, kind: Any, where: str) -> None:
    # bool is an int in Python, but a true/false in a count field is a corrupted file.
    if isinstance(value, bool) and kind is not bool:
        raise ValueError(f"{where}: expected {_name(kind)}, got a boolean")
    if not isinstance(value, kind):
        raise ValueError(f"{where}: expected {_name(kind)}, got {type(value).__name__}")


def _name(kind: Any) -> str:
    if isinstance(kind, tuple):
        return "number"
    return getattr(kind, "__name__", str(kind))


def write_atomic(path: Path, text: str) -> None:
    """Write a text file through a temporary file and a rename in the same folder: a reader
    sees the old file or the new one, never half."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
