"""The command line: parses arguments and hands them to the stages; knows nothing else.

    reporter run [PATH ...] [--out DIR] [--profilers LIST] [--timeout S] [--repeat N] [-- ARGS]
    reporter render RUN_DIR
    reporter bench SCRIPT [--processes N] [-- ARGS]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Optional

from reporter import collect, render, results
from reporter.declarations import declares_cases
from reporter.errors import ReporterError
from reporter.profilers import PROFILERS
from reporter.render.text import benchmark_table
from reporter.run import runner, store


class RunCommand:
    """Run scripts under every profiler and write an HTML report; exit 1 if any run failed."""

    name = "run"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter run`."""
        parser.add_argument("paths", nargs="*", default=["workloads"], metavar="PATH",
                            help="scripts, or folders of scripts (default: workloads/)")
        parser.add_argument("--out", type=Path, default=Path("reports"),
                            help="folder that receives the report folders (default: reports/)")
        parser.add_argument("--profilers", default=",".join(PROFILERS),
                            type=_profiler_list,
                            help=f"comma-separated, any of {','.join(PROFILERS)} (default: all)")
        parser.add_argument("--timeout", type=_positive, default=300.0, metavar="SECONDS",
                            help="seconds before one child is stopped (default: 300)")
        parser.add_argument("--repeat", type=int, default=5, metavar="N",
                            help="unprofiled runs per script, for timing (default: 5)")
        parser.add_argument("--bench-processes", type=int, default=5, metavar="N",
                            help="fresh processes timing the CASES a script declares (default: 5)")

    def run(self, args: argparse.Namespace) -> int:
        """Run, collect, render, then publish the report folder."""
        workloads = runner.discover(args.paths, args.script_args)
        if not workloads:
            raise ReporterError(f"no Python scripts found in {', '.join(args.paths)}")
        work = store.new_run_dir(args.out)
        jobs = runner.plan(workloads, args.profilers, max(args.repeat, 0),
                           max(args.bench_processes, 0))
        runner.save_plan(work / "raw", jobs, args.timeout)
        runner.run_jobs(jobs, work / "raw", args.timeout)
        run = collect.collect(work, store.run_id_of(work))
        results.save(run, work / "results.json")
        render.render(run, work)
        final = store.publish(work)
        print(f"report: {final / 'index.html'}")
        if run.failed_runs:
            print(f"{run.failed_runs} run(s) did not finish cleanly; see the report",
                  file=sys.stderr)
            return 1
        return 0


class RenderCommand:
    """Re-render a report folder's HTML from its results.json, without profiling again."""

    name = "render"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter render`."""
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR",
                            help="a report folder, such as reports/latest")

    def run(self, args: argparse.Namespace) -> int:
        """Load, render, say where."""
        run = results.load(args.run_dir / "results.json")
        render.render(run, args.run_dir)
        print(f"report: {args.run_dir / 'index.html'}")
        return 0


class BenchCommand:
    """Time and size the CASES a script declares, in fresh processes; print them as a table."""

    name = "bench"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter bench`."""
        parser.add_argument("script", metavar="SCRIPT", help="a script that declares CASES")
        parser.add_argument("--processes", type=int, default=5, metavar="N",
                            help="fresh timing processes whose values are pooled (default: 5)")
        parser.add_argument("--timeout", type=_positive, default=600.0, metavar="SECONDS")

    def run(self, args: argparse.Namespace) -> int:
        """Run the benchmark jobs alone in a scratch folder and print what they measured."""
        workload = runner.discover([args.script], args.script_args)[0]
        if not declares_cases(Path(workload.script)):
            raise ReporterError(f"{args.script} declares no CASES (see reporter.benchmark)")
        jobs = runner.plan([workload], [], 0, max(args.processes, 1))
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            (work / "raw").mkdir()
            runner.save_plan(work / "raw", jobs, args.timeout)
            runner.run_jobs(jobs, work / "raw", args.timeout)
            (result,) = collect.collect(work, "bench").workloads
        for record in result.failed:
            print(f"{record.mode} #{record.repeat}: {record.reason}", file=sys.stderr)
        if result.benchmark:
            print(benchmark_table(result.benchmark))
        return 1 if result.failed or not result.benchmark else 0


COMMANDS = (RunCommand(), RenderCommand(), BenchCommand())


def _profiler_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROFILERS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown profiler {', '.join(unknown)} (choose from {', '.join(PROFILERS)})")
    return names


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The parser with one subcommand per command class, its docstring the help."""
    parser = argparse.ArgumentParser(prog="reporter", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        doc = command.__doc__ or ""
        child = sub.add_parser(command.name, help=doc, description=doc)
        command.prepare_parser(child)
        child.set_defaults(handler=command)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    """Entry point; our own errors print one line and exit with their code, others keep a trace."""
    argv = list(sys.argv[1:] if argv is None else argv)
    script_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, script_args = argv[:cut], argv[cut + 1:]
    args = build_parser().parse_args(argv)
    args.script_args = script_args
    try:
        return int(args.handler.run(args))
    except ReporterError as exc:
        print(f"reporter: error: {exc}", file=sys.stderr)
        return exc.exit_code
