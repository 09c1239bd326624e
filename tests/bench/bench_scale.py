"""Real scripts, real sizes: the report's budgets on pyperformance's benchmark scripts, and how
the cost grows as a workload's work doubles.

Needs pyperformance and pyperf installed (`nox -s bench` installs them; nothing is committed).
Each benchmark script runs as a plain script in pyperf's worker mode. Printed against the goals:
sizes (results.json, pages, speedscope exports, the share zip), the reporter's own peak memory
(its children not counted), the share of collecting and rendering, and the wall time against
the same tools run by hand. Asserts nothing.

    python -m tests.bench.bench_scale
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyperformance  # pylint: disable=import-error  # installed by `nox -s bench` only

from tests.bench.bench_load import ratio

ROOT = Path(__file__).resolve().parents[2]
CHOSEN = ("bm_json_dumps", "bm_logging", "bm_decimal_factorial", "bm_deepcopy",
          "bm_regex_effbot")
ARGS = ["--worker", "--loops", "4", "--values", "3", "--warmups", "1"]
MIB = 1024 * 1024
REPORTER = ("import resource, sys; from reporter.cli import main; code = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr); "
            "sys.exit(code)")


def benchmark_scripts(folder: Path) -> list[Path]:
    """The chosen benchmarks' run_benchmark.py, copied as <name>.py (names tell them apart)."""
    source = Path(pyperformance.__file__).parent / "data-files" / "benchmarks"
    copied = []
    for name in CHOSEN:
        target = folder / f"{name}.py"
        shutil.copy(source / name / "run_benchmark.py", target)
        copied.append(target)
    return copied


def reporter(*args: str) -> tuple[float, float]:
    """Wall seconds and the reporter process's own peak RSS in MiB (children excluded)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", REPORTER, *args], cwd=ROOT, check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    return wall, int(done.stderr.strip().splitlines()[-1]) / 1024


def by_hand(script: Path, scratch: Path) -> list[list[str]]:
    """What a student types to get what our report shows, one tool after another."""
    python, stem = sys.executable, str(scratch / script.stem)
    return [
        [python, str(script), *ARGS],
        [python, "-m", "cProfile", "-o", f"{stem}.prof", str(script), *ARGS],
        [python, "-m", "pyinstrument", "-r", "html", "-o", f"{stem}.html", str(script), *ARGS],
        [python, "-m", "memray", "run", "--trace-python-allocators", "-f", "-o",
         f"{stem}.bin", str(script), *ARGS],
        [python, "-m", "memray", "flamegraph", "-f", "-o", f"{stem}-peak.html", f"{stem}.bin"],
        [python, "-m", "memray", "flamegraph", "--leaks", "-f", "-o", f"{stem}-leaks.html",
         f"{stem}.bin"],
        [python, "-m", "memray", "stats", f"{stem}.bin"],
    ]


def run_by_hand(commands: list[list[str]]) -> tuple[float, float]:
    """Wall seconds of the commands in turn, and the largest peak RSS (MiB) among them."""
    start, largest = time.perf_counter(), 0.0
    for command in commands:
        with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) as child:
            _, _, usage = os.wait4(child.pid, 0)  # Popen's own wait then finds it reaped
        largest = max(largest, usage.ru_maxrss / 1024)
    return time.perf_counter() - start, largest


def goal(value: float, limit: float, unit: str, fmt: str = ".1f") -> str:
    """`value unit (goal <= limit unit): meets/MISSES`."""
    mark = "meets" if value <= limit else "MISSES"
    return f"{value:{fmt}} {unit} (goal <= {limit:g} {unit}: {mark})"


def sizes(run_dir: Path) -> dict[str, float]:
    """results.json, the largest page, the index, and the speedscope exports, in MiB."""
    pages = [p for p in run_dir.glob("*.html") if p.name != "index.html"]
    exports = list((run_dir / "speedscope").glob("*.json"))
    return {"results": (run_dir / "results.json").stat().st_size / MIB,
            "page": max(p.stat().st_size for p in pages) / MIB,
            "index": (run_dir / "index.html").stat().st_size / MIB,
            "speedscope": sum(p.stat().st_size for p in exports) / MIB,
            "speedscope_file": max((p.stat().st_size for p in exports), default=0) / MIB}


def budgets(folder: Path) -> None:
    """The five benchmark scripts: every budget of the scale issue."""
    scripts = benchmark_scripts(folder)
    out = folder / "reports"
    wall, own = reporter("run", *map(str, scripts), "--out", str(out), "--repeat", "1",
                         "--bench-processes", "0", "--force", "--", *ARGS)
    run_dir = (out / "latest").resolve()
    found = sizes(run_dir)
    spent = json.loads((run_dir / "results.json").read_text())["generation"]
    share = (spent["collect_s"] + spent["render_s"]) / (
        spent["children_s"] + spent["collect_s"] + spent["render_s"])
    zipped = folder / "shared.zip"
    share_s, _ = reporter("share", str(run_dir), "--out", str(zipped))
    scratch = folder / "by-hand"
    scratch.mkdir()
    hand_s, hand_mib = run_by_hand([c for s in scripts for c in by_hand(s, scratch)])
    statuses = [r["status"] for w in json.loads((run_dir / "results.json").read_text())[
        "workloads"] for r in w["runs"]]
    print(f"{len(scripts)} pyperformance scripts ({', '.join(CHOSEN)}), "
          f"args {' '.join(ARGS)}; runs: {statuses.count('ok')} of {len(statuses)} ok")
    print(f"  results.json          {goal(found['results'], 10, 'MB')}")
    print(f"  largest page          {goal(found['page'], 1, 'MB', '.2f')}; "
          f"index {found['index'] * 1024:.0f} kB")
    print(f"  speedscope exports    {found['speedscope']:.1f} MB in all, largest file "
          f"{found['speedscope_file'] * 1024:.0f} kB (pruned trees)")
    print(f"  share zip             {goal(zipped.stat().st_size / MIB, 3, 'MB', '.2f')}, "
          f"made in {goal(share_s, 5, 's')}")
    print(f"  reporter's own peak   {goal(own, 250, 'MiB', '.0f')}; "
          f"{goal(own / hand_mib, 2, 'x the largest hand-run tool', '.2f')} ({hand_mib:.0f} MiB)")
    print(f"  collect + render      {goal(100 * share, 5, '% of the run')}; the captures were "
          f"read in the profiled runs' slots as each ended: {spent.get('summaries_s', 0):.1f} s, "
          f"inside the children's {spent['children_s']:.1f} s")
    print(f"  whole run             {wall:.1f} s against {hand_s:.1f} s by hand: "
          f"{goal(wall / hand_s, 0.4, 'x', '.2f')}")
    reading(run_dir)


def reading(run_dir: Path) -> None:
    """What reading the report again costs: `reporter summary`, and the load it starts with."""
    summary_s, _ = reporter("summary", str(run_dir))
    print(f"  reporter summary      {goal(summary_s, 5, 's')}")
    print(f"  loading results.json  {ratio(run_dir / 'results.json')}")


def growth(folder: Path) -> None:
    """cycles.py at 1x, 2x, 4x and 8x its work: time grows, sizes stay flat."""
    print("cost as the work doubles (workloads/cycles.py ROUNDS, one timing run):")
    print(f"  {'work':>5} {'wall':>8} {'reporter RSS':>13} {'largest page':>13} "
          f"{'results.json':>13}")
    for factor in (1, 2, 4, 8, 16):
        out = folder / f"growth-{factor}"
        wall, own = reporter("run", str(ROOT / "workloads" / "cycles.py"), "--out", str(out),
                             "--repeat", "1", "--bench-processes", "0", "--force", "--",
                             str(25 * factor))
        found = sizes((out / "latest").resolve())
        print(f"  {factor:>4}x {wall:7.1f}s {own:10.0f} MiB {found['page'] * 1024:10.0f} kB "
              f"{found['results'] * 1024:10.0f} kB")


def main() -> int:
    """Both parts, in a scratch folder."""
    with tempfile.TemporaryDirectory() as folder:
        budgets(Path(folder))
        growth(Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
