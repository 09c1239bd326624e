"""Benchmark cases with known answers: twice the loop, slots vs dict, a frozen variant."""

from typing import NamedTuple


class Plain:
    """Attributes in a dict."""

    def __init__(self):
        self.x = 1


class Slots:
    """Attributes in a slot."""

    __slots__ = ("x",)

    def __init__(self):
        self.x = 1


class Frozen(NamedTuple):
    """Cannot delete its field."""

    x: int = 1


CASES = [
    # Iterating a tuple costs the same per item (a range past 256 would allocate its ints).
    {"variant": "plain", "operation": "loop", "stmt": "for _ in t: pass",
     "setup": "t = (0,) * 400"},
    {"variant": "twice", "operation": "loop", "stmt": "for _ in t: pass",
     "setup": "t = (0,) * 800"},
    {"variant": "plain", "operation": "create", "stmt": "Plain()", "creates": True},
    {"variant": "slots", "operation": "create", "stmt": "Slots()", "creates": True},
    {"variant": "frozen", "operation": "delete", "stmt": "del o.x", "setup": "o = Frozen()"},
]

if __name__ == "__main__":
    print("the cases are only timed, never run as a script")
