"""Loading results.json: the typed loader against a bare `json.load` of the same file.

The goal (issue 25): at most 3x, since every command after a run (`render`, `summary`,
`share`, `compare`) starts with a load. Each is timed in a fresh process, five times, so that
no cache of ours is warm; printed as medians with their range. Asserts nothing.

    python -m tests.bench.bench_load [RESULTS.json ...]

Without a file it times one made from the synthetic run of 10,000 functions.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from reporter import results
from tests.synthetic import run_with_functions

REPEATS = 5
TIMED = ("import sys, time, json; from reporter import results; path = sys.argv[1]; "
         "started = time.perf_counter(); {call}; print(time.perf_counter() - started)")


def timed(call: str, path: Path) -> list[float]:
    """Seconds of one call, each in a fresh interpreter (imports not counted)."""
    return [float(subprocess.run([sys.executable, "-c", TIMED.format(call=call), str(path)],
                                 check=True, capture_output=True, text=True).stdout)
            for _ in range(REPEATS)]


def ratio(path: Path) -> str:
    """The loader's median over json.load's, with both medians and ranges."""
    typed = timed("results.load(path)", path)
    bare = timed("json.loads(open(path, encoding='utf-8').read())", path)
    goal = statistics.median(typed) / statistics.median(bare)
    return (f"{path.stat().st_size / 2**20:.1f} MB: results.load "
            f"{statistics.median(typed) * 1e3:.0f} ms ({min(typed) * 1e3:.0f}-"
            f"{max(typed) * 1e3:.0f}), json.load {statistics.median(bare) * 1e3:.0f} ms "
            f"({min(bare) * 1e3:.0f}-{max(bare) * 1e3:.0f}): {goal:.1f}x "
            f"({'within' if goal <= 3 else 'OVER'} the 3x goal), {REPEATS} processes each")


def main(paths: list[str]) -> int:
    """Time the files given, or a synthetic one."""
    with tempfile.TemporaryDirectory() as scratch:
        if not paths:
            synthetic = Path(scratch, "results.json")
            results.save(run_with_functions(10_000), synthetic)
            paths = [str(synthetic)]
        print("loading results.json (median, range):")
        for path in paths:
            print(f"  {ratio(Path(path))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
