"""What runs inside a benchmark child: a script's declared cases, timed or sized, unprofiled.

Timing (`--timing`): each case is calibrated like `timeit.Timer.autorange` (the loop count grows
until one value takes `--min-time`), warmed up, then timed `--values` times. The runner starts
several such processes; their values are pooled. The gc stays enabled, as in real code, and is
recorded. Memory (`--memory`, its own process so tracemalloc never slows a timing): each case
marked `creates` is evaluated `--instances` times under tracemalloc.

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
from pathlib import Path
from typing import Any, Optional

from reporter.benchmark import CASES_NAME, Case, normalise
from reporter.results import COUNT_ONLY_ENV
from reporter.run.probes import limit_memory, malloc_stats

GC_ON = "import gc as _reporter_gc\n_reporter_gc.enable()\n"


def main(argv: Optional[list[str]] = None) -> int:
    """Load the script as a module, measure its cases, write the results and the metrics."""
    args = _parse(argv)
    metrics: dict[str, Any] = {"mode": "memory" if args.memory else "timing", "pid": os.getpid()}
    started = time.perf_counter()
    os.environ[COUNT_ONLY_ENV] = "1"  # a decorated function called by a case only counts
    limit_memory(args.memory_limit, metrics)
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
            result = {"gc_enabled": True, "cases": [
                time_case(c, namespace, args.values, args.warmups, args.min_time,
                          loops.get((c.variant, c.operation), 0))
                for c in cases if c.timed]}
        Path(args.out).write_text(json.dumps(result), encoding="utf-8")
        return 0
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # Anything the script or its cases raise is the result of this run, reported as such.
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        metrics["exception"] = {"type": type(exc).__qualname__, "message": str(exc)[:2000]}
        return 1
    finally:
        metrics["wall_s"] = time.perf_counter() - started
        Path(args.metrics).write_text(json.dumps(metrics), encoding="utf-8")


def _parse(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reporter.run.bench_child")
    kind = parser.add_mutually_exclusive_group(required=True)
    kind.add_argument("--timing", action="store_true")
    kind.add_argument("--memory", action="store_true")
    parser.add_argument("--out", required=True)
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--memory-limit", type=int, default=0)
    parser.add_argument("--values", type=int, default=3)
    parser.add_argument("--warmups", type=int, default=1)
    parser.add_argument("--min-time", type=float, default=0.02)
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


def time_case(case: Case, namespace: dict[str, Any], values: int, warmups: int,
              min_time: float, loops: int = 0) -> dict[str, Any]:
    """Seconds per execution of the statement: `values` calibrated loops after warm-ups.

    `loops` from an earlier process's calibration skips calibrating again (as pyperf's
    workers do); 0 calibrates here.
    """
    record: dict[str, Any] = {"variant": case.variant, "operation": case.operation}
    error = probe(case, namespace)
    if error:
        return {**record, "supported": False, "reason": error, "loops": 0, "values_s": []}
    timer = timeit.Timer(case.stmt, GC_ON + case.setup, globals=dict(namespace))
    number = loops or calibrate(timer, min_time)
    for _ in range(warmups):
        timer.timeit(number)
    samples = [timer.timeit(number) / number for _ in range(values)]
    return {**record, "supported": True, "reason": "", "loops": number, "values_s": samples}


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
        return {(c["variant"], c["operation"]): int(c["loops"]) for c in data["cases"]
                if c.get("loops")}
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
