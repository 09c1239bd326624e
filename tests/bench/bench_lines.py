"""Benchmark: the line sampler's overhead against the bare runs (goal: at most 1.5x the bare
median), on the workloads, a deep recursion (the death-spiral case) and the foreign scripts.

Run by `nox -s bench`; prints ratios, asserts nothing. Each script gets `reporter run` with
five bare runs and the lines run, several times over; the ratio is the report's own overhead
figure (the lines run's wall time over the bare median), given as min / median / max.

    python -m tests.bench.bench_lines [--rounds N] [SCRIPT ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from reporter import results
from reporter.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOAL = 1.5
DEEP = (ROOT / "tests" / "resources" / "deep.py", ["20000", "2000000"])


def overheads(script: Path, args: list[str], rounds: int) -> tuple[list[float], str]:
    """The lines run's overhead in each round, and what the sampler did in the last."""
    found, note = [], ""
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as scratch:
            out = Path(scratch)
            main(["run", str(script), "--out", str(out), "--repeat", "5", "--profilers",
                  "lines", "--force", "--jobs", "1", "--", *args])
            (workload,) = results.load(out / "latest" / "results.json").workloads
            record = next(r for r in workload.runs if r.profiler == "lines")
            ratio = workload.overhead(record)
            if ratio is None or record.profile is None:
                return found, f"failed: {record.reason or record.artifact_error}"
            found.append(ratio)
            s = record.profile
            note = (f"{s.samples} samples, interval {s.interval_s * 1e3:.0f}-"
                    f"{s.max_interval_s * 1e3:.0f} ms, handler {s.handler_s * 1e3:.0f} ms, "
                    f"{s.dropped} dropped")
    return found, note


def main_bench() -> None:
    """Print one line per script."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("scripts", nargs="*", type=Path)
    args = parser.parse_args()
    chosen = [(s, []) for s in args.scripts] or [
        *((s, []) for s in sorted((ROOT / "workloads").glob("*.py"))),
        *((s, []) for s in sorted((ROOT / "tests" / "resources" / "foreign").glob("*.py"))),
        DEEP]
    print(f"line sampler overhead: lines run / bare median, {args.rounds} rounds "
          f"(goal: at most {GOAL}x)")
    for script, extra in chosen:
        found, note = overheads(script, extra, args.rounds)
        if not found:
            print(f"{script.name:24} {note}")
            continue
        verdict = "ok" if statistics.median(found) <= GOAL else "OVER"
        print(f"{script.name:24} {min(found):5.2f} {statistics.median(found):5.2f} "
              f"{max(found):5.2f}x  {verdict}  ({note})")
    sys.stdout.flush()


if __name__ == "__main__":
    main_bench()
