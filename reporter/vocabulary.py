"""The words the stages pass each other: run modes, statuses, graph kinds, verdicts.

Each is a `str` enum, so it is written to JSON as its plain value and read back by the typed
loader (`serial.from_data`), and a template prints its value. Nothing else in `reporter/`
spells these words as string literals: a test checks it.
"""

from __future__ import annotations

import enum


class Term(str, enum.Enum):
    """A `str` enum that prints as its value (as `enum.StrEnum` does from 3.11 on)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Mode(Term):
    """What one child process is for. A profiled run names its profiler apart (`profiler`),
    so that any profiler, ours or a plug-in's, needs no word here."""

    BARE = "bare"  # repeated unprofiled runs: the timing baseline
    BENCH = "bench"  # a benchmark process timing the script's declared CASES
    BENCH_MEMORY = "bench-memory"  # the one benchmark process sizing their instances
    SCENARIO = "scenario"  # an unprofiled run of one of the script's declared SCENARIOS
    # A run of its own, never timed, for what the script's `profile_deco` functions
    # accumulate: in every other run the decorator only counts calls, so it cannot slow them.
    DECORATED = "decorated"
    PROFILED = "profiled"  # under one profiler
    # flake8 and pylint on the script, as subprocesses of a child of its own: never timed,
    # and it runs none of the script's code.
    LINT = "lint"

    @property
    def timing(self) -> bool:
        """Runs that must have the machine to themselves, and are repeated."""
        return self in (Mode.BARE, Mode.BENCH, Mode.SCENARIO)

    @property
    def benchmark(self) -> bool:
        """Runs of the benchmark child, which runs none of the script's own code."""
        return self in (Mode.BENCH, Mode.BENCH_MEMORY)

    @property
    def runs_script(self) -> bool:
        """Runs that execute the script itself (in a working folder of their own)."""
        return not self.benchmark and self != Mode.LINT


class Status(Term):
    """How a run ended; `label` is how the terminal and the pages both say it."""

    OK = "ok"
    ERROR = "error"
    EXIT = "exit"
    CRASHED = "crashed"
    TIMEOUT = "timeout"
    NOT_RUN = "not-run"
    MEMORY = "memory"
    INTERRUPTED = "interrupted"

    @property
    def label(self) -> str:
        """The status in words."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.OK: "ok", Status.ERROR: "raised", Status.EXIT: "exit status",
    Status.CRASHED: "crashed", Status.TIMEOUT: "timed out", Status.NOT_RUN: "not run",
    Status.MEMORY: "memory limit", Status.INTERRUPTED: "interrupted",
}


class GraphKind(Term):
    """What a flame graph's values measure; a graph's `name` on the page is its kind."""

    CPU = "cpu"  # pyinstrument's sampled stacks
    CPU_CPROFILE = "cpu-cprofile"  # cProfile's calls, rebuilt into a tree
    MEMORY_PEAK = "memory-peak"
    MEMORY_PEAK_COUNT = "memory-peak-count"
    MEMORY_LEAKED = "memory-leaked"


class VerdictWord(Term):
    """What a comparison of two timings or sizes concludes (`analysis.verdict.Verdict`), as
    the pages say it."""

    FASTER = "faster"
    SLOWER = "slower"
    SAME = "the same"
    UNDECIDED = "undecided"
    UNSUPPORTED = "not supported"
    ADDED = "added"
    REMOVED = "removed"


class Mechanism(Term):
    """What a variant's specialised instructions say against the baseline's
    (`analysis.mechanism`)."""

    IDENTICAL = "identical"  # every attribute and call instruction specialised, and the same
    DIFFERENT = "different"  # a specialised instruction differs, or one runs that the other not
    UNTOLD = "untold"  # the same where specialised, but an instruction is not specialised
    UNSTABLE = "unstable"  # the readings of one case disagree: it deoptimised, or respecialised
    UNOBSERVED = "unobserved"  # not read: a tracer was active, or this Python cannot tell
