"""Plain attributes vs `__slots__` vs attributes holding weak references.

Creates many instances of each variant, then reads, writes and deletes their attributes, so a
profile shows where each variant spends time and memory. Runs alone: `python class_variants.py [N]`.
"""

import sys
import weakref

N = 100_000


class Target:
    """Something for the weakref variant to point at (plain objects accept weak references)."""

    def __init__(self, value):
        self.value = value


class Plain:
    """Attributes in a per-instance `__dict__`."""

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class Slotted:
    """Attributes in fixed slots: no `__dict__`, no `__weakref__`."""

    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class WeakHolder:
    """Attributes hold `weakref.ref`s; reading one means calling the reference."""

    def __init__(self, x, y, z):
        self.x = weakref.ref(x)
        self.y = weakref.ref(y)
        self.z = weakref.ref(z)


def create(kind, values):
    """One instance per value triple."""
    return [kind(a, b, c) for a, b, c in values]


def read_plain(objects):
    """Sum every attribute read the ordinary way."""
    return sum(o.x + o.y + o.z for o in objects)


def read_weak(objects):
    """Sum every attribute read through its weak reference."""
    return sum(o.x().value + o.y().value + o.z().value for o in objects)


def write(objects):
    """Overwrite one attribute of every object."""
    for i, o in enumerate(objects):
        o.x = i


def delete(objects):
    """Delete one attribute of every object."""
    for o in objects:
        del o.x


def main(n=N):
    """Exercise each variant with the same values."""
    numbers = [(i, i + 1, i + 2) for i in range(n)]
    plain = create(Plain, numbers)
    slotted = create(Slotted, numbers)
    targets = [(Target(a), Target(b), Target(c)) for a, b, c in numbers]
    weak = create(WeakHolder, targets)
    checks = (read_plain(plain), read_plain(slotted), read_weak(weak))
    assert checks[0] == checks[1] == checks[2]
    for objects in (plain, slotted, weak):
        write(objects)
        delete(objects)
    print(f"{n} instances of each variant; attribute sums {checks[0]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else N)
