"""Why a variant is faster or slower, from the instructions the interpreter specialised.

Each timing process read, after its warm-up and after its last round, which attribute and call
instructions a case ran (`run.specialisation`). A variant is compared with the baseline of the
same operation, instruction by instruction, by base name and then by specialised name:

- *identical*: every instruction specialised, and to the same forms. No mechanism separates
  the two, so a verdict of "the same" or "undecided" is what to expect;
- *different*: some instruction specialised otherwise (`STORE_ATTR_SLOT` instead of
  `STORE_ATTR_INSTANCE_VALUE`), or runs in one and not the other: the mechanism behind a verdict;
- *untold*: the same where specialised, but some instruction is not (`DELETE_ATTR` has no
  specialised form on 3.11-3.13, a `CALL` of a class none on 3.12): nothing to say either way;
- *unstable*: the readings of one case disagree (it deoptimised, or specialised late);
- *unobserved*: nothing was read (a tracer was active, or this Python does not specialise).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

from reporter.results import Benchmark, CaseTiming, Instruction, InstructionReading
from reporter.vocabulary import Mechanism

TRACED = "was active"  # how the child's reason ends when a hook, not the Python, hid them


@dataclass(frozen=True)
class Change:
    """One way a variant's instructions differ from the baseline's: `mine` instead of
    `theirs`, or only in one of them (the other empty), in the code named by `where`."""

    mine: str
    theirs: str
    where: str  # "" for the timed statement, else the called code's name (`__init__`)

    def __str__(self) -> str:
        place = f" in {self.where}" if self.where else ""
        if not self.theirs:
            return f"also {self.mine}{place}"
        if not self.mine:
            return f"no {self.theirs}{place}"
        return f"{self.mine} instead of {self.theirs}{place}"


@dataclass
class CaseMechanism:
    """What one case's instructions say against the baseline's of its operation."""

    variant: str
    operation: str
    word: Mechanism
    reading: Optional[InstructionReading]  # the one agreed reading, where there is one
    changes: list[Change] = field(default_factory=list)  # for DIFFERENT
    unspecialised: list[str] = field(default_factory=list)  # for UNTOLD: base names
    why_not: str = ""  # for UNOBSERVED and UNSTABLE: what was active, which readings disagree

    @property
    def names(self) -> list[str]:
        """The instructions as the interpreter names them, each once, in order."""
        return _names(self.reading.instructions) if self.reading else []


def agreed(timing: CaseTiming) -> tuple[Optional[InstructionReading], str]:
    """The case's one reading, or why there is none: nothing read, what hid the instructions,
    or which moments disagree."""
    hidden = next((r.hidden for r in timing.readings if r.hidden), "")
    if not timing.readings:
        return None, "no instructions were read (results of an older reporter)"
    if hidden:
        return None, hidden
    if len(timing.readings) > 1:
        return None, "; ".join(f"{', '.join(_names(r.instructions)) or 'none'} "
                               f"({_moments(r.moments)})" for r in timing.readings)
    return timing.readings[0], ""


def compare(timing: CaseTiming, base: CaseTiming) -> CaseMechanism:
    """The case's instructions against the baseline's, as the module's docstring words it."""
    mine, why_mine = agreed(timing)
    theirs, why_theirs = agreed(base)
    found = CaseMechanism(timing.variant, timing.operation, Mechanism.IDENTICAL, mine)
    lacking = timing if mine is None else base if theirs is None else None
    if lacking is not None:
        found.word = Mechanism.UNSTABLE if lacking.readings and not _hidden(lacking) \
            else Mechanism.UNOBSERVED
        found.why_not = why_mine if mine is None else f"{base.variant}: {why_theirs}"
        return found
    assert mine is not None and theirs is not None
    found.changes = _changes(mine.instructions, theirs.instructions)
    found.unspecialised = list(dict.fromkeys(
        i.base for i in [*mine.instructions, *theirs.instructions] if not i.specialised))
    if found.changes:
        found.word = Mechanism.DIFFERENT
    elif found.unspecialised:
        found.word = Mechanism.UNTOLD
    return found


def _hidden(timing: CaseTiming) -> bool:
    return any(r.hidden for r in timing.readings)


def _changes(mine: list[Instruction], theirs: list[Instruction]) -> list[Change]:
    """The instructions that differ, aligned by where they run and their base names; each
    difference once."""
    def key(i: Instruction) -> tuple[str, str]:
        return _code_name(i.where), i.base

    found: dict[Change, None] = {}
    matcher = difflib.SequenceMatcher(a=[key(i) for i in mine], b=[key(i) for i in theirs],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.update({Change(a.name, b.name, _code_name(a.where)): None
                          for a, b in zip(mine[i1:i2], theirs[j1:j2]) if a.name != b.name})
        else:
            found.update({Change(a.name, "", _code_name(a.where)): None for a in mine[i1:i2]})
            found.update({Change("", b.name, _code_name(b.where)): None for b in theirs[j1:j2]})
    return list(found)


def _code_name(where: str) -> str:
    """Called code by its own name, so that `Plain.__init__` and `Slots.__init__` align."""
    return where.rsplit(".", 1)[-1]


def _names(instructions: Iterable[Instruction]) -> list[str]:
    return list(dict.fromkeys(
        f"{i.name} in {_code_name(i.where)}" if i.where else i.name for i in instructions))


def _moments(moments: list[str]) -> str:
    return ", ".join(moments[:3]) + (f" and {len(moments) - 3} more" if len(moments) > 3 else "")


def mechanisms(bench: Benchmark, baseline: str) -> dict[tuple[str, str], CaseMechanism]:
    """Every supported case's mechanism against the baseline's case of its operation, by
    (variant, operation); the baseline's own cases against themselves say what they ran."""
    bases = {c.operation: c for c in bench.cases if c.variant == baseline and c.supported}
    return {(c.variant, c.operation): compare(c, bases[c.operation]) for c in bench.cases
            if c.supported and c.operation in bases}


@dataclass
class Group:
    """Variants of one operation whose instructions say the same against the baseline."""

    variants: list[str]
    word: Mechanism
    says: str  # what they say, to follow the variants' names: " runs …" or ": …"

    def sentence(self, who: str = "") -> str:
        """The group's sentence, its variants named as `who` (by default, plainly)."""
        return (who or ", ".join(self.variants)) + self.says


def groups(found: dict[tuple[str, str], CaseMechanism], operation: str, baseline: str,
           controls: Iterable[str] = ()) -> list[Group]:
    """One operation's variants grouped by what their instructions say: identical to the
    baseline, differing the same way, or not telling; the controls and baseline left out."""
    skip = {baseline, *controls}
    by: dict[tuple[Mechanism, str], list[CaseMechanism]] = {}
    for (variant, op), mechanism in found.items():
        if op == operation and variant not in skip:
            by.setdefault((mechanism.word, _gist(mechanism)), []).append(mechanism)
    return [Group([m.variant for m in members], word, _says(members, baseline))
            for (word, _), members in by.items()]


def _gist(mechanism: CaseMechanism) -> str:
    """What the group's members share."""
    if mechanism.word == Mechanism.DIFFERENT:
        return "; ".join(map(str, mechanism.changes))
    if mechanism.word == Mechanism.UNTOLD:
        return ", ".join(mechanism.unspecialised)
    if mechanism.word == Mechanism.IDENTICAL:
        return ", ".join(mechanism.names)
    return mechanism.why_not


def _says(members: list[CaseMechanism], baseline: str) -> str:
    first = members[0]
    if first.word == Mechanism.IDENTICAL:
        return (f" {'runs' if len(members) == 1 else 'run'} {baseline}'s instructions "
                f"({', '.join(first.names)}): no mechanism separates them")
    if first.word == Mechanism.DIFFERENT:
        return f": {_gist(first)}"
    if first.word == Mechanism.UNTOLD:
        return (f": the instructions do not tell "
                f"({', '.join(first.unspecialised)} not specialised)")
    if first.word == Mechanism.UNSTABLE:
        return f": the readings disagree: {first.why_not}"
    return f": specialisation could not be observed: {first.why_not}"


def short(mechanism: Optional[CaseMechanism], baseline: str) -> str:
    """A few words for the index: why a verdict came out as it did."""
    if mechanism is None:
        return ""
    if mechanism.word == Mechanism.IDENTICAL:
        return f"same instructions as {baseline}"
    if mechanism.word == Mechanism.DIFFERENT:
        return str(mechanism.changes[0]) + (" …" if len(mechanism.changes) > 1 else "")
    if mechanism.word == Mechanism.UNTOLD:
        return "the instructions do not tell"
    if mechanism.word == Mechanism.UNSTABLE:
        return "its instructions changed while timed"
    return "instructions not observed"
