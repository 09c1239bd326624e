"""The command line: parses arguments and hands them to the stages; knows nothing else.

    reporter run [PATH ... | -m MODULE] [--out DIR] [--profilers LIST] [--timeout S]
                 [--repeat N] [--repeat-budget S] [--stdin FILE] [--no-lint] [-- ARGS]
    reporter render RUN_DIR          (pages again from results.json)
    reporter collect RUN_DIR         (results.json again from raw/, then the pages)
    reporter share RUN_DIR [--out ZIP]
    reporter compare BASE_RUN NEW_RUN [--out HTML] [--fail-above PERCENT]
    reporter bench SCRIPT [--processes N] [--budget SECONDS] [-- ARGS]
    reporter lines RUN_DIR [WORKLOAD] [--top N] [--json]
    reporter summary RUN_DIR [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

from reporter import collect, render, results, share
from reporter.analysis import compare as comparison
from reporter.declarations import declares_cases
from reporter.errors import ReporterError
from reporter.profilers.base import OURS, resolve
from reporter.analysis.lines import hottest, line_rows
from reporter.render.text import benchmark_table, lines_table, summary_table
from reporter.render.views import summary_record
from reporter.run import runner, store
from reporter.run.cache import Cache
from reporter.vocabulary import Status


class RunCommand:
    """Run scripts under every profiler and write an HTML report; exit 1 if any run failed."""

    name = "run"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter run`."""
        parser.add_argument("paths", nargs="*", metavar="PATH",
                            help="scripts, or folders of scripts (default: workloads/)")
        parser.add_argument("-m", dest="module", default=None, metavar="MODULE",
                            help="run a module as `python -m MODULE` does, instead of scripts")
        parser.add_argument("--stdin", type=_readable, default=None, metavar="FILE",
                            help="the file every run of the scripts reads as its standard "
                                 "input (default: an empty input)")
        parser.add_argument("--out", type=Path, default=Path("reports"),
                            help="folder that receives the report folders (default: reports/)")
        parser.add_argument("--profilers", default=",".join(OURS),
                            type=_profiler_list,
                            help=f"comma-separated, any of {','.join(OURS)}, or a "
                                 "profiler of your own as package.module:Class (default: ours)")
        parser.add_argument("--timeout", type=_positive, default=None, metavar="SECONDS",
                            help="seconds before one child is stopped (default: 300 for "
                                 "unprofiled runs; a profiled run gets a few times the "
                                 "unprofiled median, at least 60)")
        parser.add_argument("--memory-limit", type=_size, default=0, metavar="SIZE",
                            help="address space one child may use, such as 500M or 2G "
                                 "(resource.setrlimit; default: no limit)")
        parser.add_argument("--repeat", type=int, default=5, metavar="N",
                            help="unprofiled runs per script, for timing (default: 5)")
        parser.add_argument("--repeat-budget", type=_positive,
                            default=runner.DEFAULT_REPEAT_BUDGET_S, metavar="SECONDS",
                            help="seconds the unprofiled runs of one script may take: fewer "
                                 "repeats where they do not fit, but at least 3 (default: 60)")
        parser.add_argument("--redact-paths", action="store_true",
                            help="write paths outside the project as ~/, <python>/, <tmp>/ ...")
        parser.add_argument("--share", action="store_true",
                            help="also write <run>-shared.zip: redacted, opens offline")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                            help="profiled runs at once (default: the number of cores); "
                                 "timing runs always run alone")
        parser.add_argument("--force", action="store_true",
                            help="run everything again, even what an earlier run can give")
        parser.add_argument("--no-lint", dest="lint_scripts", action="store_false",
                            help="do not run flake8 and pylint on the scripts")
        _bench_effort(parser, "--bench-processes", "--bench-budget")

    def run(self, args: argparse.Namespace) -> int:
        """Run, collect, render, then publish the report folder."""
        if args.module and args.paths:
            raise ReporterError("give scripts or -m MODULE, not both")
        if args.module:
            workloads = [runner.Workload(args.module.rsplit(".", 1)[-1], args.module,
                                         tuple(args.script_args), True, args.stdin or "")]
        else:
            args.paths = args.paths or ["workloads"]
            workloads = runner.discover(args.paths, args.script_args, args.stdin or "")
        if not workloads:
            raise ReporterError(f"no Python scripts found in {', '.join(args.paths)}")
        work = store.new_run_dir(args.out)
        jobs = runner.plan(workloads, args.profilers, max(args.repeat, 0),
                           max(args.bench_processes, 0), lint_scripts=args.lint_scripts)
        limits = runner.Limits(args.timeout or runner.DEFAULT_TIMEOUT_S, args.memory_limit,
                               args.bench_budget / max(args.bench_processes, 1),
                               fixed_timeout=args.timeout is not None,
                               repeat_budget_s=args.repeat_budget)
        runner.save_plan(work / "raw", jobs, limits)
        cache = None if args.force else Cache(args.out, args.memory_limit, limits.bench_s)
        summaries = collect.Summaries(work / "raw")
        scheduler = runner.Scheduler(work / "raw", limits, args.jobs, cache,
                                     store.run_id_of(work), after=summaries)
        clock = [time.perf_counter()]
        try:
            with _signals_interrupt():
                scheduler.run(jobs)
            complete = True
        except KeyboardInterrupt:
            complete = False  # the children are killed; report what finished
        clock.append(time.perf_counter())
        run = collect.collect(work, store.run_id_of(work), complete=complete,
                              summaries=summaries)
        if args.redact_paths:
            run = share.redact_run(run, share.redactor())
        clock.append(time.perf_counter())
        # Reading the captures happened in the runs' worker slots (summaries_s, part of
        # children_s); collect_s is what was left to do after the last child.
        run.generation = {"children_s": clock[1] - clock[0], "collect_s": clock[2] - clock[1],
                          "summaries_s": summaries.seconds}
        render.render(run, work)
        run.generation["render_s"] = time.perf_counter() - clock[2]
        results.save(run, work / "results.json")
        final = store.publish(work, point_latest=complete)
        print(f"report: {final / 'index.html'}")
        if args.share:
            print(f"shared: {share.bundle(final)}")
        if not complete:
            print("reporter: interrupted: the report above is marked incomplete; "
                  "reports/latest still points at the last complete one", file=sys.stderr)
            return 130
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
        for problem in run.problems:
            print(f"reporter: warning: {problem}", file=sys.stderr)
        print(f"report: {args.run_dir / 'index.html'}")
        return 1 if run.problems else 0


class CollectCommand:
    """Read a report folder's raw captures again into results.json, and render it."""

    name = "collect"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter collect`."""
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")

    def run(self, args: argparse.Namespace) -> int:
        """Collect and render in place; nothing is run again."""
        if not (args.run_dir / "raw" / "plan.json").is_file():
            raise ReporterError(f"{args.run_dir}: no raw/plan.json, not a report folder")
        run = collect.collect(args.run_dir, args.run_dir.resolve().name)
        run.complete = not any(r.status == Status.NOT_RUN for w in run.workloads for r in w.runs)
        results.save(run, args.run_dir / "results.json")
        render.render(run, args.run_dir)
        for workload in run.workloads:
            for record in workload.runs:
                if record.artifact_error:
                    print(f"reporter: warning: {record.artifact_error}", file=sys.stderr)
        print(f"report: {args.run_dir / 'index.html'}")
        return 0


class ShareCommand:
    """Write one zip of a report with paths redacted, that opens offline after extraction."""

    name = "share"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter share`."""
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
        parser.add_argument("--out", type=Path, default=None, metavar="ZIP",
                            help="where to write it (default: <run>-shared.zip beside it)")

    def run(self, args: argparse.Namespace) -> int:
        """Bundle and say where."""
        print(f"shared: {share.bundle(args.run_dir, args.out)}")
        return 0


class CompareCommand:
    """Compare two report folders: what got faster, slower or bigger, and how sure that is."""

    name = "compare"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter compare`."""
        parser.add_argument("base", type=Path, metavar="BASE_RUN")
        parser.add_argument("new", type=Path, metavar="NEW_RUN")
        parser.add_argument("--out", type=Path, default=None, metavar="HTML",
                            help="the page to write (default: NEW_RUN/compare-<base>.html)")
        parser.add_argument("--fail-above", type=float, default=None, metavar="PERCENT",
                            help="exit 1 if a timing is slower (its interval beyond +2%%) "
                                 "by more than this")

    def run(self, args: argparse.Namespace) -> int:
        """Load both, compare, write the page, print the verdicts that matter."""
        base = results.load(args.base / "results.json")
        new = results.load(args.new / "results.json")
        found = comparison.compare(base, new)
        page = render.render_comparison(
            found, args.out or args.new / f"compare-{base.run_id}.html")
        for warning in found.warnings:
            print(f"reporter: warning: not measured alike: {warning}", file=sys.stderr)
        for timing in found.timings:
            found_verdict = timing.verdict
            if found_verdict.significant:
                print(f"{found_verdict.label:7} {100 * (found_verdict.change or 0):+6.1f}%  "
                      f"{timing.workload} · {timing.variant} · {timing.operation} "
                      f"(95% interval {found_verdict.low:.2f}–{found_verdict.high:.2f}×)")
        for name, changes in found.lines.items():
            for line in changes[:5]:
                row = line.new or line.base
                print(f"line    {100 * line.time_change:+6.1f} pts {line.peak_change:+,d} B peak  "
                      f"{name} · {row.function} · {row.source}"  # type: ignore[union-attr]
                      + ("  (CPU within noise)" if line.time_noise else ""))
        print(f"comparison: {page}")
        worst = 100 * found.worst_slowdown()
        if args.fail_above is not None and worst > args.fail_above:
            print(f"reporter: slower by {worst:.1f}%, more than --fail-above "
                  f"{args.fail_above:g}%", file=sys.stderr)
            return 1
        return 0


class BenchCommand:
    """Time and size the CASES a script declares, in fresh processes; print them as a table."""

    name = "bench"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter bench`."""
        parser.add_argument("script", metavar="SCRIPT", help="a script that declares CASES")
        _bench_effort(parser, "--processes", "--budget")
        parser.add_argument("--timeout", type=_positive, default=600.0, metavar="SECONDS")

    def run(self, args: argparse.Namespace) -> int:
        """Run the benchmark jobs alone in a scratch folder and print what they measured."""
        workload = runner.discover([args.script], args.script_args)[0]
        if not declares_cases(Path(workload.script)):
            raise ReporterError(f"{args.script} declares no CASES (see reporter.benchmark)")
        jobs = runner.plan([workload], [], 0, max(args.bench_processes, 1))
        with tempfile.TemporaryDirectory() as scratch:
            work = Path(scratch)
            (work / "raw").mkdir()
            limits = runner.Limits(args.timeout, 0,
                                   args.bench_budget / max(args.bench_processes, 1))
            runner.save_plan(work / "raw", jobs, limits)
            runner.run_jobs(jobs, work / "raw", limits)
            (result,) = collect.collect(work, "bench").workloads
        for record in result.failed:
            print(f"{record.name} #{record.repeat}: {record.reason}", file=sys.stderr)
        if result.benchmark:
            print(benchmark_table(result.benchmark))
        return 1 if result.failed or not result.benchmark else 0


class LinesCommand:
    """Print the hottest lines of a report's scripts by CPU time and by memory."""

    name = "lines"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter lines`."""
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
        parser.add_argument("workload", nargs="?", default=None, metavar="WORKLOAD",
                            help="one script's name (default: every script of the report)")
        parser.add_argument("--top", type=int, default=10, metavar="N",
                            help="lines per measure (default: 10)")
        parser.add_argument("--json", action="store_true",
                            help="print the lines as a JSON list of records instead")

    def run(self, args: argparse.Namespace) -> int:
        """Load the results, pick the workloads, print their lines."""
        run = results.load(args.run_dir / "results.json")
        chosen = [w for w in run.workloads if args.workload in (None, w.name)]
        if not chosen:
            raise ReporterError(f"no workload {args.workload!r} in {args.run_dir} (it has: "
                                f"{', '.join(w.name for w in run.workloads) or 'none'})")
        if args.json:
            records = []
            for workload in chosen:
                rows = line_rows(workload)
                keep = {id(r) for measure in ("time_share_with_calls", "peak_bytes",
                                              "exit_bytes")
                        for r in hottest(rows, measure, args.top)}
                records += [{"workload": workload.name, **r.record()}
                            for r in rows if id(r) in keep]
            print(json.dumps(records, indent=1))
        else:
            print("\n\n".join(lines_table(w.name, line_rows(w), args.top) for w in chosen))
        return 0


class SummaryCommand:
    """Print the index's headline figures of every script: for a terminal, or for CI."""

    name = "summary"

    def prepare_parser(self, parser: argparse.ArgumentParser) -> None:
        """Arguments of `reporter summary`."""
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
        parser.add_argument("--json", action="store_true",
                            help='print {"workloads": [...]} instead of a table')

    def run(self, args: argparse.Namespace) -> int:
        """Load the results and print them."""
        run = results.load(args.run_dir / "results.json")
        records = [summary_record(w) for w in run.workloads]
        if args.json:
            print(json.dumps({"run_id": run.run_id, "complete": run.complete,
                              "workloads": records}, indent=1))
        else:
            print(summary_table(records))
        return 0


def _bench_effort(parser: argparse.ArgumentParser, processes: str, budget: str) -> None:
    """The benchmark's processes and time budget, under the names each command uses."""
    parser.add_argument(processes, dest="bench_processes", type=int,
                        default=runner.DEFAULT_BENCH_PROCESSES, metavar="N",
                        help="fresh processes timing the CASES a script declares, pooled "
                             f"(default: {runner.DEFAULT_BENCH_PROCESSES})")
    parser.add_argument(budget, dest="bench_budget", type=_positive,
                        default=runner.DEFAULT_BENCH_BUDGET_S, metavar="SECONDS",
                        help="seconds of timing rounds in all, shared by the processes; an "
                             "operation stops early once its verdicts are settled "
                             f"(default: {runner.DEFAULT_BENCH_BUDGET_S:g})")


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGTERM stops a run the way Ctrl-C does: children killed, what finished reported."""
    def interrupt(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


COMMANDS = (RunCommand(), RenderCommand(), CollectCommand(), ShareCommand(), CompareCommand(),
            BenchCommand(), LinesCommand(), SummaryCommand())


def _profiler_list(text: str) -> list[str]:
    """Profiler names, ours or a plug-in's (`package.module:Class`), each loaded once here."""
    try:
        return [resolve(n.strip()).name for n in text.split(",") if n.strip()]
    except ReporterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _size(text: str) -> int:
    """Bytes from "123", "500K", "500M" or "2G" (binary units)."""
    units = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}
    number, unit = text.strip().upper().rstrip("B"), ""
    if number and number[-1] in units:
        number, unit = number[:-1], number[-1]
    try:
        value = int(float(number) * units[unit])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 500M or 2G)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _readable(text: str) -> str:
    """A file that exists and can be read, as an absolute path (children run elsewhere)."""
    if not os.access(text, os.R_OK) or not os.path.isfile(text):
        raise argparse.ArgumentTypeError(f"cannot read {text!r}")
    return os.path.abspath(text)


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The parser with one subcommand per command class, its docstring the help."""
    parser = argparse.ArgumentParser(
        prog="reporter", description="Profile Python scripts with cProfile, pyinstrument and "
        "memray, and merge everything into one HTML report that opens offline.")
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
