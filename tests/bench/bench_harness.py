"""Benchmark: `reporter run` (cold, and warm with nothing changed) against running the tools
by hand, and what collecting and rendering add on top of the children's own time.

Run by `nox -s bench`; prints ratios, asserts nothing. Every command is a fresh process; the
sequences alternate, several times; figures are min / median / max wall times.

    python -m tests.bench.bench_harness [--repeat N] [WORKLOAD ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def by_hand(script: Path, scratch: Path) -> list[list[str]]:
    """What a student types to get what our report shows, one tool after another."""
    python, stem = sys.executable, str(scratch / script.stem)
    return [
        [python, str(script)],
        [python, "-m", "cProfile", "-o", f"{stem}.prof", str(script)],
        [python, "-m", "pyinstrument", "-r", "html", "-o", f"{stem}.html", str(script)],
        [python, "-m", "memray", "run", "--trace-python-allocators", "-f", "-o",
         f"{stem}.bin", str(script)],
        [python, "-m", "memray", "flamegraph", "-f", "-o", f"{stem}-peak.html", f"{stem}.bin"],
        [python, "-m", "memray", "flamegraph", "--leaks", "-f", "-o", f"{stem}-leaks.html",
         f"{stem}.bin"],
        [python, "-m", "memray", "stats", f"{stem}.bin"],
    ]


def timed(commands: list[list[str]]) -> float:
    """Wall time of the commands, one after another."""
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def spread(samples: list[float]) -> str:
    """min / median / max."""
    return f"{min(samples):6.1f} / {statistics.median(samples):6.1f} / {max(samples):6.1f} s"


def ratios(ours: list[float], theirs: list[float]) -> str:
    """Median, min and max of the paired ratios."""
    found = [o / t for o, t in zip(ours, theirs)]
    return (f"median {statistics.median(found):.2f}x (min {min(found):.2f}x, "
            f"max {max(found):.2f}x)")


def main() -> None:
    """Alternate the hand-run sequence with our cold and warm runs, then print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("workloads", nargs="*", type=Path,
                        default=sorted((ROOT / "workloads").glob("[!_]*.py")))
    args = parser.parse_args()
    configs = {"default": [], "one timing run, no benchmark cases":
               ["--repeat", "1", "--bench-processes", "0"]}
    samples: dict[str, list[float]] = {"by hand": []}
    shares: list[float] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as scratch:
            samples["by hand"].append(timed([c for w in args.workloads
                                             for c in by_hand(w, Path(scratch))]))
        for name, options in configs.items():
            out = Path(tempfile.mkdtemp())
            ours = [sys.executable, "-m", "reporter", "run", *map(str, args.workloads),
                    "--out", str(out), *options]
            samples.setdefault(f"ours, {name}, cold", []).append(timed([ours]))
            samples.setdefault(f"ours, {name}, warm", []).append(timed([ours]))
            for results in sorted(out.glob("2*/results.json"))[:1]:
                spent = json.loads(results.read_text())["generation"]
                shares.append((spent["collect_s"] + spent["render_s"]) / sum(spent.values()))
            shutil.rmtree(out)
    print(f"{len(args.workloads)} workloads, {args.repeat} rounds (min / median / max):")
    for name, values in samples.items():
        print(f"  {name:48} {spread(values)}")
    for name, values in samples.items():
        if name != "by hand":
            print(f"  {name:48} {ratios(values, samples['by hand'])} of by hand")
    print(f"  collection and rendering, share of a cold run: median "
          f"{100 * statistics.median(shares):.1f}% (max {100 * max(shares):.1f}%)")


if __name__ == "__main__":
    main()
