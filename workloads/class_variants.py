"""Six ways to hold three fields: plain attributes, `__slots__`, weak references, dataclasses
(with and without slots) and a NamedTuple.

Run alone (`python class_variants.py [N]`) it creates N instances of each variant and reads,
writes and deletes their attributes, so a profile shows where each spends time and memory.
Its `CASES` are what the reporter times in fresh processes and sizes under tracemalloc; the
first variant, plain, is the baseline.
"""

import sys
import weakref
from dataclasses import dataclass
from typing import NamedTuple

N = 100_000


class Target:
    """What the weakref variant points at (plain objects accept weak references)."""

    def __init__(self, value):
        self.value = value


class Plain:
    """Attributes in the instance's `__dict__`."""

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class Slots:
    """Attributes in fixed slots: no `__dict__`, no `__weakref__`."""

    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class WeakRefs:
    """Attributes hold `weakref.ref`s to targets; reading one means calling the reference."""

    def __init__(self, x, y, z):
        self.x = weakref.ref(x)
        self.y = weakref.ref(y)
        self.z = weakref.ref(z)


@dataclass
class DataPlain:
    """A dataclass: a generated `__init__` over a plain `__dict__`."""

    x: int
    y: int
    z: int


@dataclass(slots=True)
class DataSlots:
    """A dataclass with generated `__slots__`."""

    x: int
    y: int
    z: int


class Fields(NamedTuple):
    """An immutable tuple with named fields."""

    x: int
    y: int
    z: int


VARIANTS = {"plain": Plain, "slots": Slots, "dataclass": DataPlain,
            "dataclass(slots)": DataSlots, "namedtuple": Fields}


def _cases():
    """The same operations for every variant; what a variant cannot do is reported as such."""
    cases = []
    for name, kind in VARIANTS.items():
        made = f"o = {kind.__name__}(1, 2, 3)"
        cases += [
            {"variant": name, "operation": "create", "stmt": f"{kind.__name__}(1, 2, 3)",
             "creates": True},
            {"variant": name, "operation": "read", "stmt": "o.x", "setup": made},
            {"variant": name, "operation": "write", "stmt": "o.x = 4", "setup": made},
            {"variant": name, "operation": "delete + set again", "stmt": "del o.x; o.x = 1",
             "setup": made},
        ]
        if name == "plain":
            cases += _weakref_cases()
    return cases


def _weakref_cases():
    targets = "t1, t2, t3 = Target(1), Target(2), Target(3)\n"
    made = targets + "o = WeakRefs(t1, t2, t3)"
    return [
        # Holders of the same targets share refs: weakref.ref(t) returns t's existing reference.
        {"variant": "weakref", "operation": "create", "stmt": "WeakRefs(t1, t2, t3)",
         "setup": targets},
        {"variant": "weakref", "operation": "read", "stmt": "o.x()", "setup": made},
        {"variant": "weakref", "operation": "write", "stmt": "o.x = r",
         "setup": made + "\nr = o.y"},
        {"variant": "weakref", "operation": "delete + set again", "stmt": "del o.x; o.x = r",
         "setup": made + "\nr = o.y"},
        {"variant": "weakref", "operation": "dereference", "stmt": "r()",
         "setup": targets + "r = weakref.ref(t1)"},
        # Sized with targets of its own, so each instance pays for three new weak references.
        {"variant": "weakref", "operation": "instance", "creates": True, "timed": False,
         "stmt": "WeakRefs(next(pool), next(pool), next(pool))",
         "setup": "pool = iter([Target(i) for i in range(40_000)])"},
    ]


CASES = _cases()


def exercise(kind, n):
    """Create n instances, read every field, overwrite and delete one where the variant can."""
    if kind is WeakRefs:
        targets = [Target(i) for i in range(n)]
        objects = [WeakRefs(t, t, t) for t in targets]
        total = sum(o.x().value + o.y().value + o.z().value for o in objects)
    else:
        objects = [kind(i, i + 1, i + 2) for i in range(n)]
        total = sum(o.x + o.y + o.z for o in objects)
    if kind is not Fields:
        for i, o in enumerate(objects):
            o.x = o.y
        for o in objects:
            del o.x
    return total


def main(n=N):
    """Exercise each variant with the same values."""
    for kind in (*VARIANTS.values(), WeakRefs):
        exercise(kind, n)
    print(f"{n} instances of each of {len(VARIANTS) + 1} variants")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else N)
