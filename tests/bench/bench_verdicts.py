"""Benchmark verdicts that hold: the goals of the paired, interleaved benchmark, measured.

Five consecutive fresh benchmarks of workloads/class_variants.py with the default effort, then
five more beside a CPU hog pinned to one core (`taskset -c 1 yes`), the benchmark unpinned.
Printed against the goals: the share of comparisons decided (at least 90%), the cases whose
verdict changes between runs (at most one), and flips between faster and slower (none), with
the wall time of each benchmark. Asserts nothing.

    python -m tests.bench.bench_verdicts
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from reporter import collect
from reporter.analysis import bench
from reporter.analysis.verdict import FASTER, SLOWER
from reporter.run import runner

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "workloads" / "class_variants.py"
RUNS = 5


def one_benchmark() -> tuple[dict[str, str], float]:
    """The verdict word of every comparison of one fresh default benchmark, and its seconds."""
    workload = runner.discover([str(SCRIPT)])[0]
    jobs = runner.plan([workload], [], 0, runner.DEFAULT_BENCH_PROCESSES)
    limits = runner.Limits(600.0)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "raw").mkdir()
        runner.save_plan(work / "raw", jobs, limits)
        started = time.perf_counter()
        runner.run_jobs(jobs, work / "raw", limits)
        wall = time.perf_counter() - started
        (result,) = collect.collect(work, "bench").workloads
    words = {}
    for timing in result.benchmark.cases if result.benchmark else []:
        found = bench.verdict(result.benchmark, timing)
        if timing.supported and found is not None and timing.variant != bench.variants(
                result.benchmark)[0]:
            words[f"{timing.variant} · {timing.operation}"] = found.word
    return words, wall


@contextmanager
def hog(enabled: bool) -> Iterator[None]:
    """`taskset -c 1 yes > /dev/null` for the duration, if asked and possible."""
    process: Optional[subprocess.Popen[bytes]] = None
    if enabled and shutil.which("taskset"):
        process = subprocess.Popen(["taskset", "-c", "1", "yes"], stdout=subprocess.DEVNULL)
    try:
        yield
    finally:
        if process:
            process.kill()
            process.wait()


def series(with_hog: bool) -> None:
    """RUNS benchmarks in a row; the goals, printed."""
    runs = []
    with hog(with_hog):
        for _ in range(RUNS):
            runs.append(one_benchmark())
    cases = sorted(runs[0][0])
    decided = [sum(w != "undecided" for w in words.values()) / max(len(words), 1)
               for words, _ in runs]
    changed = [c for c in cases if len({words.get(c) for words, _ in runs}) > 1]
    flips = [c for c in cases if {FASTER, SLOWER} <= {words.get(c) for words, _ in runs}]
    label = "beside a CPU hog on core 1" if with_hog else "quiet machine"
    print(f"{label}: {RUNS} fresh default benchmarks, {len(cases)} comparisons each, "
          f"{', '.join(f'{wall:.1f}' for _, wall in runs)} s")
    worst = min(decided)
    print(f"  decided per run       {', '.join(f'{100 * d:.0f}%' for d in decided)} "
          f"(goal >= 90% each: {'meets' if worst >= 0.9 else 'MISSES'})")
    print(f"  verdicts that changed {len(changed)} (goal <= 1: "
          f"{'meets' if len(changed) <= 1 else 'MISSES'})"
          + "".join(f"\n    {c}: {' / '.join(words.get(c, '-') for words, _ in runs)}"
                    for c in changed))
    print(f"  faster <-> slower     {len(flips)} (goal 0: {'meets' if not flips else 'MISSES'})")


def main() -> int:
    """Quiet, then beside the hog."""
    series(with_hog=False)
    series(with_hog=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
