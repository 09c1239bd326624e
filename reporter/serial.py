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
# profiler's): (class, field) -> None for an ordinary field, else a function of the object's
# data that gives the hint to read the field with.
Resolver = Callable[[type, str], Optional[Callable[[dict[str, Any]], Any]]]


def to_data(value: Any) -> Any:
    """Plain data of a dataclass; our enums stay enums, which `json` writes as their values
    (they are `str`s)."""
    return dataclasses.asdict(value)


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys, so that two files diff cleanly (after json.tool)."""
    return json.dumps(to_data(value), separators=(",", ":"), sort_keys=True)


def from_data(cls: type[T], data: Any, where: str = "",
              resolve: Optional[Resolver] = None) -> T:
    """Build a dataclass from JSON data, checking every field against its type hint; a
    wrong field raises ValueError naming it (`where`, dotted)."""
    hint: Any = cls  # a class is a hint like any other, and hashable
    try:
        return typing.cast(T, _reader(hint, resolve)(data))
    except _Bad as bad:
        raise ValueError(f"{where or cls.__name__}{''.join(reversed(bad.path))}: "
                         f"{bad.message}") from None


class _Bad(Exception):
    """A value that does not fit its hint; `path` grows as it leaves each container."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.path: list[str] = []

    def at(self, step: str) -> _Bad:
        """The same error, one step further out (`.field`, `[3]`)."""
        self.path.append(step)
        return self


Read = Callable[[Any], Any]


@functools.lru_cache(maxsize=None)
def _reader(hint: Any, resolve: Optional[Resolver]) -> Read:
    """A function that reads one value of that hint, made once per hint: the work of reading
    a file is then one call per value, and the path to a wrong one is only built for it."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [o for o in args if o is not types.NoneType]
        read_inner = _reader(inner, resolve)
        return lambda value: None if value is None else read_inner(value)
    if dataclasses.is_dataclass(hint):
        return _DataclassReader(typing.cast(type, hint), resolve)
    if origin in (dict, list, tuple):
        return _container_reader(origin, args, resolve)
    return _scalar_reader(hint)


def _container_reader(origin: Any, args: tuple[Any, ...], resolve: Optional[Resolver]) -> Read:
    """A dict's values, or a list's (or a tuple[X, ...]'s, a JSON list too) items, each read."""
    read_item = _reader(args[-1] if origin is dict else args[0], resolve)
    if origin is dict:
        return lambda value: _dict(value, read_item)
    plain = _PLAIN.get(args[0])
    if origin is list and plain is not None:  # numbers or strings: checked in one pass
        return functools.partial(_plain_items, plain, read_item)
    made = list if origin is list else tuple
    return lambda value: made(_items(value, read_item))


def _scalar_reader(hint: Any) -> Read:
    """Anything, a number, a string, a boolean, None or one of our enums."""
    if hint is Any:
        return _same
    if hint is float:
        return _float
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return functools.partial(_enum, hint)
    return functools.partial(_exactly, hint)


class _DataclassReader:  # pylint: disable=too-few-public-methods  # a callable with a cache
    """Reads a JSON object into a dataclass: no unknown field, every known one read. Its
    fields' readers are made on first use (a tree's class refers to itself)."""

    def __init__(self, cls: type, resolve: Optional[Resolver]) -> None:
        self.cls, self.resolve = cls, resolve
        self.fields: dict[str, Read] = {}
        self.names: frozenset[str] = frozenset()
        # fields whose hint the object's data decides: name -> data -> hint
        self.dynamic: dict[str, Callable[[dict[str, Any]], Any]] = {}

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise _mismatch(value, dict)
        if not self.names:
            self._prepare()
        if not self.names.issuperset(value):
            unknown = sorted(set(value) - self.names)
            raise _Bad(f"unknown field(s) {', '.join(unknown)}")
        fields = self.fields
        try:
            if self.dynamic:
                kwargs = {key: self._dynamic(key, value) if key in self.dynamic
                          else fields[key](item) for key, item in value.items()}
            else:
                kwargs = {key: fields[key](item) for key, item in value.items()}
        except (_Bad, ValueError) as error:
            raise self._where(value, error) from None
        try:
            return self.cls(**kwargs)
        except TypeError as exc:
            raise _Bad(str(exc)) from None

    def _dynamic(self, key: str, value: dict[str, Any]) -> Any:
        return _reader(self.dynamic[key](value), self.resolve)(value[key])

    def _where(self, value: dict[str, Any], error: Exception) -> _Bad:
        """The error, at the field it came from (read again, now that one is wrong)."""
        for key, item in value.items():
            try:
                self._dynamic(key, value) if key in self.dynamic else self.fields[key](item)
            except _Bad as bad:
                return bad.at(f".{key}")
            except ValueError as exc:  # the resolver's refusal
                return _Bad(str(exc)).at(f".{key}")
        return error if isinstance(error, _Bad) else _Bad(str(error))

    def _prepare(self) -> None:
        hints = typing.get_type_hints(self.cls)
        names = [f.name for f in dataclasses.fields(self.cls) if f.init]
        self.fields = {name: _reader(hints[name], self.resolve) for name in names}
        for name in names:
            dynamic = self.resolve(self.cls, name) if self.resolve else None
            if dynamic is not None:
                self.dynamic[name] = dynamic
        self.names = frozenset(names)


def _same(value: Any) -> Any:
    return value


def _float(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int:
        return float(value)
    raise _mismatch(value, (int, float))


# The types a list of plain values may hold, all checked at once (JSON gives exactly these).
_PLAIN: dict[Any, frozenset[type]] = {float: frozenset({float, int}), int: frozenset({int}),
                                      str: frozenset({str})}


def _plain_items(allowed: frozenset[type], read: Read, value: Any) -> Any:
    """A list of numbers or strings: their types in one pass; the list as it is when they fit
    exactly (floats that JSON wrote as integers become floats)."""
    if not isinstance(value, list):
        raise _mismatch(value, list)
    kinds = set(map(type, value))
    if kinds <= allowed:
        return value if int not in kinds or float not in allowed else [read(v) for v in value]
    return _items(value, read)  # one does not fit: say which


def _enum(kind: type[enum.Enum], value: Any) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise _Bad(f"{value!r} is not a {kind.__name__}") from None


def _exactly(kind: type, value: Any) -> Any:
    # bool is an int in Python, but a true/false in a count field is a corrupted file.
    if isinstance(value, kind) and (kind is bool or not isinstance(value, bool)):
        return value
    raise _mismatch(value, kind)


def _items(value: Any, read: Read) -> list[Any]:
    if not isinstance(value, list):
        raise _mismatch(value, list)
    try:
        return [read(v) for v in value]
    except _Bad as bad:
        for i, item in enumerate(value):  # find which one, now that one is wrong
            try:
                read(item)
            except _Bad:
                raise bad.at(f"[{i}]") from None
        raise


def _dict(value: Any, read: Read) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _mismatch(value, dict)
    found = {}
    for key, item in value.items():
        try:
            found[str(key)] = read(item)
        except _Bad as bad:
            raise bad.at(f".{key}")
    return found


def _mismatch(value: Any, kind: Any) -> _Bad:
    if isinstance(value, bool):
        return _Bad(f"expected {_name(kind)}, got a boolean")
    return _Bad(f"expected {_name(kind)}, got {type(value).__name__}")


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
