"""Benchmark: our memray path against memray's own command sequence, and render cost by size.

Run by `nox -s bench`; prints ratios, asserts nothing. Each command runs in a fresh process,
alternating ours and theirs, several times; the figures are min / median / max wall times.

    python -m tests.bench.bench_memray_path [--repeat N] [--size INSTANCES]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reporter import render
from reporter.results import FlameGraph
from tests.synthetic import big_tree, run_with_graph

WORKLOAD = Path(__file__).resolve().parents[2] / "workloads" / "class_variants.py"


def timed(commands: list[list[str]], cwd: Path) -> float:
    """Wall time of running the commands one after another, each in a fresh process."""
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def ours(size: int) -> list[list[str]]:
    """Capture, collect every memory view and render the report: one command."""
    return [[sys.executable, "-m", "reporter", "run", str(WORKLOAD), "--profilers", "memray",
             "--repeat", "0", "--bench-processes", "0", "--force", "--out", "reports", "--",
             str(size)]]


def theirs(size: int) -> list[list[str]]:
    """What a student types to see the same: memray run, two flame graphs, stats."""
    memray = [sys.executable, "-m", "memray"]
    return [
        [*memray, "run", "--trace-python-allocators", "-f", "-o", "cap.bin", str(WORKLOAD),
         str(size)],
        [*memray, "flamegraph", "-f", "-o", "peak.html", "cap.bin"],
        [*memray, "flamegraph", "--leaks", "-f", "-o", "leaks.html", "cap.bin"],
        [*memray, "stats", "cap.bin"],
    ]


def spread(samples: list[float]) -> str:
    """min / median / max in seconds."""
    return (f"{min(samples):6.2f} / {statistics.median(samples):6.2f} / "
            f"{max(samples):6.2f} s")


def memray_path(repeat: int, size: int) -> None:
    """Ours against theirs, alternating, in a scratch folder."""
    samples: dict[str, list[float]] = {"ours": [], "memray's commands": []}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(repeat):
            samples["memray's commands"].append(timed(theirs(size), Path(scratch)))
            samples["ours"].append(timed(ours(size), Path(scratch)))
    print(f"memray path on {WORKLOAD.name} {size} (min / median / max of {repeat}):")
    for name, values in samples.items():
        print(f"  {name:18} {spread(values)}")
    ratios = [o / t for o, t in zip(samples["ours"], samples["memray's commands"])]
    print(f"  ratio ours/theirs  median {statistics.median(ratios):.2f}x "
          f"(min {min(ratios):.2f}x, max {max(ratios):.2f}x; goal <= 0.5x)")


def render_growth(repeat: int, base_nodes: int = 10_000) -> None:
    """Render time and page size of one workload page as its tree grows 1x and 10x."""
    print(f"render of one page with one flame graph (min / median / max of {repeat}):")
    first = None
    for factor in (1, 10):
        graph = FlameGraph("cpu", "grown", "seconds", big_tree(base_nodes * factor))
        run = run_with_graph(graph, "grown")
        times = []
        with tempfile.TemporaryDirectory() as out:
            for _ in range(repeat):
                start = time.perf_counter()
                render.render(run, Path(out))
                times.append(time.perf_counter() - start)
            size = (Path(out) / "grown.html").stat().st_size
        first = first or (statistics.median(times), size)
        print(f"  {factor:2}x ({base_nodes * factor:>7,} frames) {spread(times)}, page "
              f"{size / 1e6:5.2f} MB; {statistics.median(times) / first[0]:4.1f}x the time, "
              f"{size / first[1]:4.1f}x the size of 1x")


def page_loads(report: Path, repeat: int) -> None:
    """Size and load time (to the load event, flame graphs drawn) of every page of a report."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists() or not (report / "index.html").exists():
        print(f"page loads: skipped (needs {chromium} and a report in {report})")
        return
    # pylint: disable-next=import-outside-toplevel
    from playwright.sync_api import sync_playwright
    print(f"page loads of {report} from file:// (min / median / max of {repeat}):")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=flags)
        for path in sorted(report.glob("*.html")):
            times = []
            for _ in range(repeat):
                page = browser.new_page()
                page.goto(path.resolve().as_uri())
                times.append(page.evaluate(
                    "performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000)
                page.close()
            print(f"  {path.name:24} {path.stat().st_size / 1e3:7.0f} kB  {spread(times)}")
        browser.close()


def main() -> None:
    """Parse the options and print the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=150_000,
                        help="instances per class variant (150,000 makes over 5M allocations)")
    parser.add_argument("--report", type=Path, default=Path("reports/latest"),
                        help="a report whose pages to time in Chromium (default: the latest)")
    args = parser.parse_args()
    memray_path(args.repeat, args.size)
    render_growth(args.repeat)
    page_loads(args.report, args.repeat)


if __name__ == "__main__":
    main()
