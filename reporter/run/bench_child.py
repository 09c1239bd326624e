"""What runs inside a benchmark child: a script's declared cases, timed or sized, unprofiled.

Timing (`--timing`) measures comparisons as comparisons. The variants of one operation are
timed side by side, in rounds: each round times every variant once, and the empty statement
(`pass`, the cost of the timing loop itself), in an order that rotates from round to round.
So drift (another process, the CPU's clock, the caches) falls on neighbours alike, and each
variant's ratio to the baseline is taken within its round, from net times (the empty loop's
time subtracted). Each value is one loop calibrated like `timeit.Timer.autorange`; a warm-up
round comes first. Rounds go on while this process has not pinned down a variant's ratio, up
to `--budget` seconds; a variant whose ratio is settled here leaves the rounds early. The
runner starts several such processes (fresh interpreters, as pyperf does): each gives one
median ratio per comparison, and the verdict is read across them.
The gc stays enabled, as in real code, and is recorded.

Memory (`--memory`, its own process so tracemalloc never slows a timing): each case marked
`creates` is evaluated `--instances` times under tracemalloc.

    python -m reporter.run.bench_child (--timing | --memory) --out PATH --metrics PATH -- SCRIPT
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import runpy
import sys
import time
import timeit
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import CodeType
from typing import Any, Optional

from reporter.analysis import verdict
from reporter.benchmark import CASES_NAME, Case, normalise
from reporter.harness import COUNT_ONLY_ENV
from reporter.run import specialisation
from reporter.run.probes import limit_memory, malloc_stats
from reporter.run.records import RECORDS_VERSION, ChildMetrics, RaisedException
from reporter.vocabulary import Mode

GC_ON = "import gc as _reporter_gc\n_reporter_gc.enable()\n"


def main(argv: Optional[list[str]] = None) -> int:
    """Load the script as a module, measure its cases, write the results and the metrics."""
    args = _parse(argv)
    metrics = ChildMetrics(version=RECORDS_VERSION,
                           mode=Mode.BENCH_MEMORY if args.memory else Mode.BENCH, pid=os.getpid())
    started = time.perf_counter()
    os.environ[COUNT_ONLY_ENV] = "1"  # a decorated function called by a case only counts
    metrics.memory_limit = limit_memory(args.memory_limit)
    try:
        sys.argv = [args.script, *args.script_args]
        sys.path[0] = os.path.dirname(os.path.abspath(args.script))
        namespace = runpy.run_path(args.script, run_name="__reporter_bench__")
        cases = normalise(namespace.get(CASES_NAME, []))
        if args.memory:
            result: dict[str, Any] = {"instances": [
                measure_memory(c, namespace, args.instances) for c in cases if c.creates]}
            result["mallocstats"] = malloc_stats()
        else:
            loops = calibrated(args.loops_from) if args.loops_from else {}
            # The script run a second time: classes and functions defined anew from the same
            # source, so the controls time exact copies of the baseline's.
            copies = runpy.run_path(args.script, run_name="__reporter_bench__")
            result = {"gc_enabled": True, "budget_s": args.budget, "min_rounds": args.min_rounds,
                      **time_cases([c for c in cases if c.timed], namespace, loops,
                                   Effort(args.budget, args.min_rounds, args.min_time,
                                          args.comparisons),
                                   baseline=cases[0].variant if cases else "",
                                   copies=copies)}
        Path(args.out).write_text(json.dumps(result), encoding="utf-8")
        return 0
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # Anything the script or its cases raise is the result of this run, reported as such.
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        metrics.exception = RaisedException(type(exc).__qualname__, str(exc)[:2000])
        return 1
    finally:
        metrics.wall_s = time.perf_counter() - started
        metrics.write(Path(args.metrics))


def _parse(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reporter.run.bench_child")
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument("--timing", action="store_true")
    kind.add_argument("--memory", action="store_true")
    parser.add_argument("--out", required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--memory-limit", type=int, default=0)
    parser.add_argument("--budget", type=float, default=2.5,
                        help="seconds of timing rounds at most (calibration not counted)")
    parser.add_argument("--min-rounds", type=int, default=20)
    parser.add_argument("--min-time", type=float, default=0.001)
    parser.add_argument("--comparisons", type=int, default=0,
                        help="comparisons judged at once, for the intervals' level (0: count)")
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--loops-from", default="",
                        help="results of an earlier timing process: reuse its loop counts")
    parser.add_argument("script")
    parser.add_argument("script_args", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def probe(case: Case, namespace: dict[str, Any]) -> Optional[str]:
    """Run the case once; the error it raises, if any, means "not supported"."""
    scope = dict(namespace)
    try:
        exec(case.setup, scope)  # pylint: disable=exec-used
        exec(case.stmt, scope)  # pylint: disable=exec-used
    except Exception as exc:  # pylint: disable=broad-exception-caught
        return f"{type(exc).__name__}: {exc}"
    return None


EMPTY = "pass"  # the statement whose time is the timing loop's own
# A statement is written this many times in the timed loop's body (where it can run that many
# times in a row), so the loop's own cost is spread thin: about 6 ns per iteration here, most
# of a 8 ns attribute read, but a few percent of twenty reads.
UNROLL = 20
CHECK_EVERY = 5  # rounds between looks at which comparisons are decided (each look costs)
AFTER_WARM_UP, AFTER_LAST_ROUND = "after the warm-up", "after the last round"


@dataclass
class Effort:
    """How long a timing process measures, and when an operation may stop early."""

    budget_s: float
    min_rounds: int
    min_time: float
    comparisons: int = 0  # 0: count them from the cases


@dataclass
class _Timed:
    """One timer being measured: a case, or an operation's empty statement."""

    case: Optional[Case]
    timer: timeit.Timer
    loops: int
    unroll: int = 1  # times the statement is written in the loop's body
    values: dict[int, float] = field(default_factory=dict)  # round -> s per loop iteration
    control: bool = False  # the baseline's statement on the copies of the script's classes
    lines: range = range(0)  # the statement's first copy in the timer's code
    called: list[CodeType] = field(default_factory=list)  # Python code the statement calls
    readings: list[dict[str, Any]] = field(default_factory=list)  # its instructions, twice

    def read_instructions(self, moment: str) -> None:
        """Note which instructions the statement and the code it calls run now."""
        self.readings.append({"moment": moment,
                              **specialisation.read(self.timer, self.lines, self.called)})

    def net(self, empty: _Timed) -> dict[int, float]:
        """Seconds per statement in each round, that round's empty loop subtracted."""
        return {r: (v - empty.values[r]) / self.unroll for r, v in self.values.items()}

    def time_round(self, number: int) -> None:
        """One value: seconds per iteration of the calibrated loop."""
        self.values[number] = self.timer.timeit(self.loops) / self.loops


def time_cases(cases: list[Case], namespace: dict[str, Any], loops: dict[tuple[str, str], int],
               effort: Effort, baseline: str = "",
               copies: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Every operation's variants timed in rotating rounds beside its empty statement.

    Returns the cases (seconds per statement as measured in its unrolled loop, net seconds with
    the same round's empty loop subtracted, each round's ratio of net times to the baseline
    variant's, and the instructions it ran), the empty loop's seconds per iteration, and the
    rounds each operation took. With `copies` (the script's namespace defined a second time),
    each operation also times a control: the baseline's statement on the copies, whose ratio
    to the baseline is this machine's noise for that operation.
    """
    baseline = baseline or (cases[0].variant if cases else "")
    cases, namespaces = _with_controls(cases, namespace, baseline, copies)
    controls = {case for case in cases if namespaces[case] is not namespace}
    groups, unsupported = _timers(cases, namespaces, controls, loops, effort.min_time)
    confidence = verdict.family_confidence(
        effort.comparisons or _comparisons(groups, baseline))
    started = time.perf_counter()
    rounds = _measure(groups, baseline, effort, verdict.CONFIDENCE)
    return {"cases": [{**_record(case, groups.get(case.operation, []), unsupported.get(case),
                                 baseline), "control": case in controls} for case in cases],
            "empty": [{"operation": op, "loops": g[0].loops,
                       "values_s": list(g[0].values.values())} for op, g in groups.items()],
            "rounds": rounds, "confidence": confidence,
            "spent_s": time.perf_counter() - started}


def control_name(baseline: str) -> str:
    """The control variant's name: a copy of the baseline."""
    return f"copy of {baseline}"


def _with_controls(cases: list[Case], namespace: dict[str, Any], baseline: str,
                   copies: Optional[dict[str, Any]]
                   ) -> tuple[list[Case], dict[Case, dict[str, Any]]]:
    """The cases with a control after each of the baseline's, and the namespace of each."""
    namespaces = dict.fromkeys(cases, namespace)
    if copies is None:
        return cases, namespaces
    found = []
    for case in cases:
        found.append(case)
        if case.variant == baseline:
            control = replace(case, variant=control_name(baseline))
            found.append(control)
            namespaces[control] = copies
    return found, namespaces


def _record(case: Case, group: list[_Timed], error: Optional[str],
            baseline: str) -> dict[str, Any]:
    """What one case measured, or why it could not be."""
    record: dict[str, Any] = {"variant": case.variant, "operation": case.operation,
                              "supported": error is None, "reason": error or "", "loops": 0,
                              "values_s": [], "net_values_s": [], "ratios": []}
    timed = next((t for t in group if t.case == case), None)
    if timed is not None:
        empty, base = group[0], _baseline(group, baseline)
        record.update(loops=timed.loops, unroll=timed.unroll,
                      values_s=[v / timed.unroll for v in timed.values.values()],
                      net_values_s=list(timed.net(empty).values()), readings=timed.readings)
        if base is not None and base is not timed:
            record["ratios"] = _ratios(timed, base, empty)
    return record


def _timers(cases: list[Case], namespaces: dict[Case, dict[str, Any]], controls: set[Case],
            loops: dict[tuple[str, str], int], min_time: float
            ) -> tuple[dict[str, list[_Timed]], dict[Case, str]]:
    """Calibrated timers per operation, its empty statement first; the cases that raise."""
    groups: dict[str, list[_Timed]] = {}
    unsupported: dict[Case, str] = {}
    for case in cases:
        namespace = namespaces[case]
        error = probe(case, namespace)
        if error:
            unsupported[case] = error
            continue
        unroll = UNROLL if probe(unrolled(case), namespace) is None else 1
        setup = GC_ON + case.setup
        timer = timeit.Timer(unrolled(case, unroll).stmt, setup, globals=dict(namespace))
        group = groups.setdefault(case.operation, [])
        if not group:  # the operation's empty statement, measured the same way beside it
            empty = timeit.Timer(EMPTY, GC_ON, globals=dict(namespace))
            group.append(_Timed(None, empty, loops.get(("", case.operation))
                                or calibrate(empty, min_time)))
        group.append(_Timed(case, timer, loops.get((case.variant, case.operation))
                            or calibrate(timer, min_time), unroll,
                            control=case in controls,
                            lines=specialisation.statement_lines(setup, case.stmt),
                            called=specialisation.called_code(case.setup, case.stmt, namespace)))
    return groups, unsupported


def _baseline(group: list[_Timed], baseline: str) -> Optional[_Timed]:
    return next((t for t in group if t.case and t.case.variant == baseline), None)


def _comparisons(groups: dict[str, list[_Timed]], baseline: str) -> int:
    """Non-baseline cases that have a baseline to be compared with."""
    return sum(len(g) - 2 for g in groups.values() if _baseline(g, baseline) is not None)


def _ratios(timed: _Timed, base: _Timed, empty: _Timed) -> list[float]:
    """Each round's net time over the baseline's net time of the same round; rounds where the
    baseline's net time is not above zero (lost in the loop's noise) give no ratio."""
    mine, theirs = timed.net(empty), base.net(empty)
    return [v / theirs[r] for r, v in mine.items() if theirs.get(r, 0) > 0]


def _measure(groups: dict[str, list[_Timed]], baseline: str, effort: Effort,
             confidence: float) -> dict[str, int]:
    """Rounds until this process has settled every comparison or spent its budget; the
    rounds each operation took.

    After the minimum rounds, a variant whose ratio this process has pinned down (its own
    interval lies wholly beyond or wholly inside the band) leaves the rounds, so the time left
    goes to the comparisons near the band's edges; an operation with none left stops.
    """
    for group in groups.values():  # warm-up round, not kept
        for timed in group:
            timed.timer.timeit(timed.loops)
    cases = [t for group in groups.values() for t in group if t.case is not None]
    for timed in cases:
        timed.read_instructions(AFTER_WARM_UP)
    active = {op: list(group) for op, group in groups.items()}
    rounds = dict.fromkeys(groups, 0)
    started = time.perf_counter()
    number = 0
    while active and time.perf_counter() - started < effort.budget_s:
        for operation, timers in active.items():
            turn = number % len(timers)
            for timed in timers[turn:] + timers[:turn]:
                timed.time_round(number)
            rounds[operation] += 1
        number += 1
        if number >= effort.min_rounds and (number - effort.min_rounds) % CHECK_EVERY == 0:
            active = {op: left for op, timers in active.items()
                      if (left := _unsettled(timers, baseline, confidence))}
    for timed in cases:
        timed.read_instructions(AFTER_LAST_ROUND)
    return rounds


def _unsettled(timers: list[_Timed], baseline: str, confidence: float) -> list[_Timed]:
    """The timers an operation still needs: its empty loop, its baseline, its control and
    each variant whose ratio this process has not settled yet; none once every one is. The
    control is timed as long as a comparison is, so that its noise is that of their rounds,
    and keeps none going itself."""
    empty, base = timers[0], _baseline(timers, baseline)
    if base is None:
        return []  # nothing to compare: its minimum rounds give its times
    controls = [t for t in timers if t.control]
    open_ = [t for t in timers[1:] if t is not base and t.case is not None and not t.control
             and not verdict.paired_verdict(_ratios(t, base, empty), confidence).decided]
    return [empty, base, *controls, *open_] if open_ else []


def unrolled(case: Case, times: int = UNROLL) -> Case:
    """The case with its statement written `times` times over, one after another."""
    return replace(case, stmt="\n".join([case.stmt] * times))


def calibrate(timer: timeit.Timer, min_time: float) -> int:
    """Loops per value, as `timeit.Timer.autorange` finds them: 1, 2, 5, 10, 20, 50, ... until
    one value takes at least `min_time`."""
    loops = 1
    while True:
        for factor in (1, 2, 5):
            if timer.timeit(loops * factor) >= min_time:
                return loops * factor
        loops *= 10


def calibrated(path: str) -> dict[tuple[str, str], int]:
    """Loops per case from an earlier timing process's results; {} if there are none."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        found = {(c["variant"], c["operation"]): int(c["loops"]) for c in data["cases"]
                 if c.get("loops")}
        found.update({("", e["operation"]): int(e["loops"]) for e in data.get("empty", [])})
        return found
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def measure_memory(case: Case, namespace: dict[str, Any], instances: int) -> dict[str, Any]:
    """Bytes per instance from tracemalloc over many instances, and what one instance is made of."""
    record: dict[str, Any] = {"variant": case.variant, "stmt": case.stmt}
    error = probe(case, namespace)
    if error:
        return {**record, "supported": False, "reason": error}
    scope = dict(namespace)
    exec(case.setup, scope)  # pylint: disable=exec-used
    code = compile(case.stmt, "<case>", "eval")
    warm = [eval(code, scope) for _ in range(100)]  # pylint: disable=eval-used
    kept: list[Any] = [None] * instances  # allocated before tracing, so it is not counted
    gc.collect()
    tracemalloc.start()
    for i in range(instances):
        kept[i] = eval(code, scope)  # pylint: disable=eval-used
    traces = tracemalloc.take_snapshot().traces
    tracemalloc.stop()
    sizes = Counter(trace.size for trace in traces)
    del warm
    return {
        **record, "supported": True, "reason": "", "instances": instances,
        "traced_bytes": sum(size * count for size, count in sizes.items()),
        "allocation_sizes": sorted([size, count] for size, count in sizes.items()),
        **describe(kept[0]),
    }


def describe(sample: Any) -> dict[str, Any]:
    """What one instance is made of, as CPython lays it out."""
    kind = type(sample)
    found = {
        "type_name": kind.__qualname__,
        "basicsize": kind.__basicsize__,
        "item_bytes": kind.__itemsize__ * len(sample) if kind.__itemsize__ else 0,
        "getsizeof": sys.getsizeof(sample),
        "gc_tracked": gc.is_tracked(sample),
        "weakref_slot": bool(kind.__weakrefoffset__),
    }
    # Touching __dict__ makes CPython build the instance dict: done last, on one instance.
    instance_dict = getattr(sample, "__dict__", None)
    found["dict_bytes"] = sys.getsizeof(instance_dict) if isinstance(instance_dict, dict) else None
    return found


if __name__ == "__main__":
    sys.exit(main())
