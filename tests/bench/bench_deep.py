"""The deep-stack guard at work: deep.py at 3,000 and 10,000 frames under pyinstrument.

For each depth: the run's status, the profiled wall time against the bare median (goal: within
3x), what the guard did (largest interval, condensed samples), and the peak memory of the
reporter's process tree (goal: under 500 MiB; children run one at a time, so the tree's peak
is the reporter's own plus its largest child's).

    python -m tests.bench.bench_deep [DEPTH ...]
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from reporter import results

DEEP = Path(__file__).resolve().parents[1] / "resources" / "deep.py"
GOAL_RATIO = 3.0
GOAL_MIB = 500


def measure(depth: int, folder: Path) -> str:
    """One report of deep.py at that depth; a line of figures against the goals."""
    shutil.copy(DEEP, folder / "deep.py")
    out = folder / f"reports-{depth}"
    code = ("import resource, sys; from reporter.cli import main; "
            "code = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(code)")
    done = subprocess.run(
        [sys.executable, "-c", code, "run", str(folder / "deep.py"), "--out", str(out),
         "--repeat", "5", "--profilers", "pyinstrument", "--jobs", "1", "--force",
         "--timeout", "600", "--", str(depth)],
        capture_output=True, text=True, check=False)
    own_kib, child_kib = map(int, done.stderr.strip().splitlines()[-1].split())
    (workload,) = results.load(out / "latest" / "results.json").workloads
    (record,) = workload.profiled
    ratio = workload.overhead(record) or float("nan")
    tree_mib = (own_kib + child_kib) / 1024
    summary = record.profile
    guard = (f"largest interval {summary.max_interval_s * 1e3:.1f} ms, "
             f"{summary.condensed_samples:,} of {summary.samples:,} samples condensed"
             if summary else "no summary")
    verdict = "meets" if record.ok and ratio <= GOAL_RATIO and tree_mib < GOAL_MIB else "MISSES"
    return (f"depth {depth:>6,}: status {record.status}, bare median "
            f"{workload.timing.median * 1e3:.1f} ms, profiled {record.wall_s * 1e3:.1f} ms = "
            f"{ratio:.2f}x (goal <= {GOAL_RATIO:g}x), process tree peak {tree_mib:.0f} MiB "
            f"(goal < {GOAL_MIB} MiB); guard: {guard} -> {verdict} the goals")


def main(argv: list[str]) -> int:
    """Print one line per depth."""
    depths = [int(a) for a in argv] or [3_000, 10_000]
    print(f"pyinstrument deep-stack guard, {sys.version.split()[0]}, this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    with tempfile.TemporaryDirectory() as folder:
        for depth in depths:
            print(measure(depth, Path(folder)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
