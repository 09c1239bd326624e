"""Attribute paths whose specialised instructions are known (PEP 659), as benchmark cases.

Known truth on CPython 3.11 to 3.13, read with `dis` in adaptive mode after a warm-up:
- a read of a plain instance's attribute is `LOAD_ATTR_INSTANCE_VALUE`, of a slot `LOAD_ATTR_SLOT`;
- a dataclass without defaults is a plain class: the same instructions as plain;
- an instance attribute that shadows a class attribute (a dataclass field with a default)
  stays `LOAD_ATTR` on 3.12 and 3.13, and is specialised on 3.11;
- creating runs `STORE_ATTR_INSTANCE_VALUE` in a plain `__init__`, `STORE_ATTR_SLOT` in a
  slotted one; `DELETE_ATTR` has no specialised form, so a delete does not tell;
- 3.10 does not specialise at all.
"""

from dataclasses import dataclass


class Plain:
    """Attributes in the instance's values."""

    def __init__(self, x):
        self.x = x


class Slots:
    """An attribute in a slot."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x


@dataclass
class Data:
    """A dataclass: a plain class with a generated `__init__`."""

    x: int


@dataclass
class Defaulted:
    """A field with a class-level default: the instance attribute shadows a class attribute."""

    x: int = 0


KINDS = {"plain": "Plain", "slots": "Slots", "dataclass": "Data", "defaulted": "Defaulted"}
CASES = [case for variant, kind in KINDS.items() for case in (
    {"variant": variant, "operation": "create", "stmt": f"{kind}(1)"},
    {"variant": variant, "operation": "read", "stmt": "o.x", "setup": f"o = {kind}(1)"},
    {"variant": variant, "operation": "delete", "stmt": "del o.x; o.x = 1",
     "setup": f"o = {kind}(1)"},
)]
