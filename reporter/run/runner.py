"""Plans the child processes and runs each one alone, with a timeout, into a raw folder.

Every (workload, mode) gets a fresh interpreter. The runner only records what it can see from
outside (exit status, signal, timeout, elapsed time, output); the child records what it saw
inside. The collector joins both.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Optional

from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from reporter.declarations import declares_cases, scenarios, uses_decorator
from reporter.profilers import PROFILERS
from reporter.profilers.base import resolve, spec_of
from reporter.vocabulary import Mode, Status
from reporter.errors import ReporterError
from reporter.run import lint
from reporter.run.cache import Cache
from reporter.run.procfs import TreeWatch
from reporter.run.records import RECORDS_VERSION, ChildMetrics, ProcessRecord, WrittenEntry
from reporter.run.status import classify
from reporter.serial import from_data, to_data

BENCH_SUFFIX = ".bench.json"
LINT_SUFFIX = ".findings.json"
SAMPLE_INTERVAL_S = 0.01
MAX_SAMPLES = 2_000
TERMINATE_GRACE_S = 3.0
# The benchmark's default effort: about what a whole class_variants benchmark took before its
# rounds were adaptive (14 s for five processes on a 2-core machine). Ten processes, because a
# verdict is read across processes: ten give an exact 99.8% interval, enough for 18
# comparisons at once (see analysis.verdict.process_verdict).
DEFAULT_BENCH_PROCESSES = 10
DEFAULT_BENCH_BUDGET_S = 9.0


DEFAULT_TIMEOUT_S = 300.0
# Without --timeout, a profiled run may take its profiler's limit_factor times the script's
# unprofiled median, and never less than this.
MIN_PROFILED_LIMIT_S = 60.0
DECORATED_LIMIT_FACTOR = 10.0  # the decorator's lines=True tracer traces every line
DEFAULT_REPEAT_BUDGET_S = 60.0
EXPECTED_WORTH_SAYING_S = 10.0  # a script whose runs take less is not announced


@dataclass(frozen=True)
class Limits:
    """What one child may use: seconds before it is stopped, bytes of address space (0: any),
    and the seconds a benchmark process may spend on timing rounds. Without a fixed timeout
    (--timeout), a profiled run's limit follows the script's unprofiled median; the
    unprofiled repeats stay within `repeat_budget_s` (0: all of them)."""

    timeout: float
    memory: int = 0
    bench_s: float = DEFAULT_BENCH_BUDGET_S / DEFAULT_BENCH_PROCESSES
    fixed_timeout: bool = True
    repeat_budget_s: float = 0.0

    def for_job(self, job: Job, bare_median: Optional[float]) -> Limits:
        """The limits of one job: a profiled one's timeout from the unprofiled median; the
        lint job's its own, whatever --timeout says of the script's runs."""
        if job.mode == Mode.LINT:
            return replace(self, timeout=lint.JOB_TIMEOUT_S)
        if self.fixed_timeout or job.mode.timing or not bare_median:
            return self
        factor = (PROFILERS[job.profiler].limit_factor if job.profiler
                  else DECORATED_LIMIT_FACTOR)
        return replace(self, timeout=max(MIN_PROFILED_LIMIT_S, factor * bare_median))


def repeats_within(first_s: float, asked: int, budget_s: float) -> int:
    """How many unprofiled runs to make: every one asked for where they fit in the budget,
    else as many as fit but at least 3; one where a single run exceeds it."""
    if budget_s <= 0 or asked <= 1:
        return asked
    if first_s > budget_s:
        return 1
    return min(asked, max(3, int(budget_s // first_s) if first_s > 0 else asked))


@dataclass(frozen=True)
class Workload:
    """A script to run (or a module, run as `python -m` runs it), the arguments it gets, and
    the file its standard input reads (none: it reads an empty input)."""

    name: str
    script: str
    args: tuple[str, ...] = ()
    module: bool = False
    stdin: str = ""

    @property
    def source(self) -> str:
        """The file that holds the code: the script, or the module's own file."""
        return module_file(self.script) if self.module else self.script


def module_file(name: str) -> str:
    """Where `python -m name` finds the module, from the current folder (first on its path)
    then our own path, without importing anything; the name itself if it is not found, so
    the child reports the error as python would."""
    parts = name.split(".")
    for folder in [os.getcwd(), *(p for p in sys.path if p)]:
        base = os.path.join(folder, *parts)
        for candidate in (base + ".py", os.path.join(base, "__main__.py")):
            if os.path.isfile(candidate):
                return candidate
    return name


@dataclass(frozen=True)
class Job:
    """One child process: a workload in one mode (a profiled one names its profiler); timing
    runs (bare, bench, scenario) are repeated."""

    workload: Workload
    mode: Mode
    repeat: int = 0
    label: str = ""
    extra_args: tuple[str, ...] = ()
    profiler: str = ""

    @property
    def name(self) -> str:
        """What the job is, in a word: its profiler's name, or its mode."""
        return self.profiler or self.mode.value

    @property
    def stem(self) -> str:
        """Base name of this job's files inside the workload's raw folder."""
        return f"{self.name}-{self.repeat}" if self.mode.timing else self.name

    def artifact(self, raw_dir: Path) -> Optional[Path]:
        """Where the profiler, the benchmark or the linters write their result; None for
        bare runs."""
        if self.mode.benchmark:
            return self.path(raw_dir, BENCH_SUFFIX)
        if self.mode == Mode.LINT:
            return self.path(raw_dir, LINT_SUFFIX)
        if not self.profiler:
            return None
        return self.path(raw_dir, PROFILERS[self.profiler].suffix)

    def path(self, raw_dir: Path, suffix: str) -> Path:
        """A file of this job in the raw folder."""
        return raw_dir / self.workload.name / f"{self.stem}{suffix}"


def discover(paths: Iterable[str], args: Sequence[str] = (), stdin: str = "") -> list[Workload]:
    """Scripts named directly, or every `*.py` not starting with `_` in a folder, uniquely named."""
    scripts: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            scripts.extend(sorted(p for p in path.glob("*.py") if not p.name.startswith("_")))
        else:
            scripts.append(path)  # a missing script is the child's to report, like any error
    workloads: list[Workload] = []
    taken: set[str] = set()
    for script in scripts:
        name, n = script.stem, 1
        while name in taken:
            n += 1
            name = f"{script.stem}-{n}"
        taken.add(name)
        workloads.append(Workload(name=name, script=str(script), args=tuple(args), stdin=stdin))
    return workloads


def plan(workloads: Iterable[Workload], profilers: Sequence[str], repeat: int,
         bench_processes: int = 0, lint_scripts: bool = False) -> list[Job]:
    """Timing runs first, while nothing else of ours has warmed or loaded the machine.

    Scripts that declare benchmark `CASES` also get `bench_processes` timing processes and one
    memory process; scripts that declare `SCENARIOS` get `repeat` unprofiled runs of each
    scenario, in rounds (every scenario once, then again), so drift lands on all of them alike.
    Scripts that use `profile_deco` get one untimed run in which it profiles. With
    `lint_scripts`, each script gets a lint job after the timing runs: flake8 and pylint,
    never timed.
    """
    workloads = list(workloads)
    benched = [w for w in workloads if bench_processes and not w.module
               and declares_cases(Path(w.source))]
    return [
        *(Job(w, Mode.BARE, i) for w in workloads for i in range(1, repeat + 1)),
        *(Job(w, Mode.BENCH, i) for w in benched for i in range(1, bench_processes + 1)),
        *(Job(w, Mode.BENCH_MEMORY) for w in benched),
        *(job for w in workloads for job in scenario_jobs(w, repeat)),
        # The linters first of the untimed jobs: beside the profiled runs, not after them.
        *(Job(w, Mode.LINT) for w in workloads if lint_scripts),
        *(Job(w, Mode.DECORATED) for w in workloads
          if repeat and uses_decorator(Path(w.source))),
        *(Job(w, Mode.PROFILED, profiler=name) for w in workloads for name in profilers),
    ]


def scenario_jobs(workload: Workload, repeat: int) -> list[Job]:
    """`repeat` rounds of the script's scenarios; the label names the scenario, the repeat
    number counts through all of them."""
    declared = list(scenarios(Path(workload.source)).items())
    return [Job(workload, Mode.SCENARIO, round_ * len(declared) + i, label, tuple(args))
            for round_ in range(repeat)
            for i, (label, args) in enumerate(declared, 1)]


@dataclass
class Plan:
    """What is about to run (raw/plan.json), so that the collector knows of jobs that never
    ran; with the plug-in profilers' specs, to load them again."""

    limits: Limits
    jobs: list[Job]
    profilers: dict[str, str]


def save_plan(raw_dir: Path, jobs: Sequence[Job], limits: Limits) -> None:
    """Write what is about to run."""
    written = Plan(limits, list(jobs),
                   {j.profiler: spec_of(j.profiler) for j in jobs if j.profiler})
    (raw_dir / "plan.json").write_text(json.dumps(to_data(written), indent=1), encoding="utf-8")


def load_plan(raw_dir: Path) -> tuple[list[Job], Limits]:
    """The jobs and the limits written by `save_plan`."""
    try:
        found = from_data(Plan, json.loads((raw_dir / "plan.json").read_text(encoding="utf-8")),
                          "plan.json")
    except (OSError, ValueError, TypeError) as exc:
        raise ReporterError(f"{raw_dir}: cannot read the plan: {exc}") from exc
    for spec in found.profilers.values():
        resolve(spec)  # a plug-in profiler, imported again in this process
    return found.jobs, found.limits


def command(job: Job, raw_dir: Path, limits: Limits) -> list[str]:
    """The child's command line. Its files' paths are absolute: a script's child moves into
    a working folder of its own (`working_folder`) before the script starts."""
    raw_dir = raw_dir.absolute()
    artifact = str(job.artifact(raw_dir) or "")
    if job.mode == Mode.LINT:  # the script's file, which the linters read: not run
        return [sys.executable, "-m", "reporter.run.lint", "--out", artifact,
                "--metrics", str(job.path(raw_dir, ".metrics.json")),
                "--timeout", str(lint.TOOL_TIMEOUT_S), "--", job.workload.source]
    common = ["--metrics", str(job.path(raw_dir, ".metrics.json")),
              "--memory-limit", str(limits.memory),
              "--", job.workload.script, *job.workload.args, *job.extra_args]
    if job.mode.benchmark:
        kind = "--timing" if job.mode == Mode.BENCH else "--memory"
        # The first timing process calibrates; the others reuse its loop counts.
        first = Job(job.workload, Mode.BENCH, 1).artifact(raw_dir) if job.repeat > 1 else None
        return [sys.executable, "-m", "reporter.run.bench_child", kind, "--out", artifact,
                "--budget", str(limits.bench_s),
                *(["--loops-from", str(first)] if first else []), *common]
    return [sys.executable, "-m", "reporter.run.child", "--mode", job.mode.value,
            *(["--profiler", spec_of(job.profiler)] if job.profiler else []),
            "--artifact", artifact, "--workdir", str(working_folder(raw_dir, job)),
            *(["--module"] if job.workload.module else []), *common]


MAX_WRITTEN = 200  # files listed of what one run wrote


def working_folder(raw_dir: Path, job: Job) -> Path:
    """Where one run of a script works: its files are its own, so two runs at once never
    overwrite each other's results (a subfolder, apart from the job's `stem.*` files). The
    child starts in the reporter's folder, imports what it needs from there, and moves in."""
    return raw_dir / job.workload.name / "files" / job.stem


class WorkingFolder:
    """A run's working folder, with every entry of the reporter's own folder linked in: the
    script reads what it would read there, and what it creates lands here."""

    def __init__(self, folder: Optional[Path]) -> None:
        self.folder = folder
        self.links: list[Path] = []
        if folder is None:
            return
        folder.mkdir(parents=True, exist_ok=True)
        for entry in Path.cwd().iterdir():
            link = folder / entry.name
            try:
                link.symlink_to(entry)
            except OSError:
                continue
            self.links.append(link)

    def written(self) -> list[WrittenEntry]:
        """Take the links away again (a report must not hold links into the user's folders,
        nor zip them); what is left is what the script wrote: path and size, at most
        MAX_WRITTEN."""
        if self.folder is None:
            return []
        for link in self.links:
            if link.is_symlink():
                link.unlink()
        found: list[WrittenEntry] = []
        for top, _, files in os.walk(self.folder):
            for name in files:
                path = Path(top, name)
                if not path.is_symlink():
                    found.append(WrittenEntry(path.relative_to(self.folder).as_posix(),
                                              path.stat().st_size))
        if not found:
            shutil.rmtree(self.folder, ignore_errors=True)
        return sorted(found, key=lambda f: f.path)[:MAX_WRITTEN]


def execute(job: Job, raw_dir: Path, limits: Limits, stop: Optional[threading.Event] = None,
            parallel: bool = False) -> ProcessRecord:
    """Run one child in its own process group; kill the group on timeout, on `stop`, or when
    it is done.

    While it runs, its process tree is read from /proc every 10 ms (CPU, memory, I/O, threads
    of the child and of every process it started): from outside, so the child does no extra
    work and its GIL is never contended.
    """
    job.path(raw_dir, "").parent.mkdir(parents=True, exist_ok=True)
    # A benchmark process or the linters run none of the script's own code: no working folder.
    folder = WorkingFolder(working_folder(raw_dir, job) if job.mode.runs_script else None)
    started, started_at = time.perf_counter(), time.time()
    with open(job.path(raw_dir, ".stdout.txt"), "wb") as out, \
            open(job.path(raw_dir, ".stderr.txt"), "wb") as err:
        child = _launch(command(job, raw_dir, limits), job.workload, out, err)
        tree = TreeWatch(child.pid, started_at)
        interrupted = timed_out = False
        try:
            watch(child, started + limits.timeout, stop, tree)
            interrupted = child.returncode is None and stop is not None and stop.is_set()
            timed_out = child.returncode is None and not interrupted
            if timed_out:
                _stop_group(child, tree)
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            _kill_group(child.pid)  # whatever the script spawned and left behind
            reap(child, block=True, tree=tree)
            record = ProcessRecord(
                version=RECORDS_VERSION,
                returncode=child.returncode,
                timed_out=timed_out,
                interrupted=interrupted,
                timeout=limits.timeout,
                process_s=time.perf_counter() - started,
                started_at=started_at,
                ended_at=time.time(),
                parallel=parallel,
                rss_samples=[[round(started_at + p[0], 4), p[3]] for p in tree.series],
                process=tree.record(getattr(child, "rusage", None)),
                written=folder.written(),
            )
            record.write(job.path(raw_dir, ".process.json"))
    return record


def _launch(line: list[str], workload: Workload, out: BinaryIO,
            err: BinaryIO) -> subprocess.Popen[bytes]:
    """Start the child in a session of its own, its input the workload's `--stdin` file."""
    stdin = _input(workload)
    child = subprocess.Popen(  # pylint: disable=consider-using-with
        line, stdin=stdin or subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
    if stdin:
        stdin.close()  # the child has its own copy
    return child


def _input(workload: Workload) -> Optional[BinaryIO]:
    """The file the child reads as standard input (`--stdin`), opened for it; None if none."""
    if not workload.stdin:
        return None
    return open(workload.stdin, "rb")  # pylint: disable=consider-using-with


def watch(child: subprocess.Popen[bytes], deadline: float,
          stop: Optional[threading.Event] = None, tree: Optional[TreeWatch] = None) -> None:
    """Wait for the child until the deadline or `stop`, sampling its process tree."""
    interval = SAMPLE_INTERVAL_S
    while time.perf_counter() < deadline and not (stop and stop.is_set()):
        if reap(child, tree=tree):
            return
        time.sleep(min(interval, max(deadline - time.perf_counter(), 0)))
        if tree is None:
            continue
        tree.sample(time.time())
        if len(tree.series) >= MAX_SAMPLES:  # long runs: keep every other sample, slow down
            tree.series, interval = tree.series[::2], interval * 2


def reap(child: subprocess.Popen[bytes], block: bool = False,
         tree: Optional[TreeWatch] = None) -> bool:
    """True once the child has ended (its status then in `returncode`, and `os.wait4`'s
    rusage, which counts every descendant it waited for, in `child.rusage`).

    The child is first seen ended without being reaped (`WNOWAIT`), so that its I/O counts
    can still be read. Waits with os.waitid and os.wait4, not Popen.wait: Popen guards its
    wait with a lock that a Ctrl-C arriving between taking and releasing it leaves held, and
    the next wait then blocks for ever (seen on 3.13: an interrupted reporter that never
    exited).
    """
    if child.returncode is not None:
        return True
    try:
        ended = os.waitid(os.P_PID, child.pid,
                          os.WEXITED | os.WNOWAIT | (0 if block else os.WNOHANG))
        if ended is None:
            return False
        if tree is not None:
            tree.ended()
        _, status, rusage = os.wait4(child.pid, 0)
    except ChildProcessError:  # reaped already
        return True
    child.returncode = os.waitstatus_to_exitcode(status)
    child.rusage = rusage  # type: ignore[attr-defined]  # read by execute
    return True


def _stop_group(child: subprocess.Popen[bytes], tree: Optional[TreeWatch] = None) -> None:
    """SIGTERM first, so the child can still save its profile; SIGKILL if it will not stop."""
    try:
        os.killpg(child.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    grace = time.perf_counter() + TERMINATE_GRACE_S
    while not reap(child, tree=tree) and time.perf_counter() < grace:
        time.sleep(0.01)
    if not reap(child, tree=tree):
        _kill_group(child.pid)
        reap(child, block=True, tree=tree)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class Scheduler:
    """Runs the jobs: timing runs alone, one after another; the rest `workers` at a time.

    Timing runs (bare, bench, scenario) never share the machine with anything of ours, so
    parallelism cannot distort a timing. A job whose inputs are unchanged is taken from the
    cache instead of being run (unless there is no cache: `--force`).
    """

    def __init__(self, raw_dir: Path, limits: Limits, workers: int = 1,
                 cache: Optional[Cache] = None, run_id: str = "", *,
                 console: Optional[Console] = None,
                 after: Optional[Callable[[Job], None]] = None) -> None:
        self.raw_dir = raw_dir
        self.limits = limits
        self.workers = max(workers, 1)
        self.cache = cache
        self.run_id = run_id
        self.console = console or Console(stderr=True)
        self.stop = threading.Event()
        # Called in a profiled job's worker slot once the job has ended (the collector reads
        # its capture there), so the next job of that slot waits for it: never more work at
        # once than the slots allow, and no timing run is ever overlapped.
        self.after = after

    def run(self, jobs: Sequence[Job]) -> None:
        """Every job; Ctrl-C or SIGTERM stops the running children and re-raises."""
        alone = [j for j in jobs if j.mode.timing]
        together = [j for j in jobs if not j.mode.timing]
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn())
        with Progress(*columns, console=self.console, transient=False) as progress:
            task = progress.add_task("starting", total=len(jobs))

            def one(job: Job, parallel: bool) -> None:
                progress.update(task, description=f"{job.workload.name} · {job.stem}")
                self.one(job, parallel, progress)
                progress.advance(task)

            skipped: set[Job] = set()
            for job in alone:
                if job in skipped:
                    continue
                one(job, False)
                if job.mode == Mode.BARE and job.repeat == 1:
                    skipped |= self.fit_repeats(job, jobs)
            if skipped:  # the plan on disk lists only what runs: no job is reported missing
                save_plan(self.raw_dir, [j for j in jobs if j not in skipped], self.limits)
                progress.update(task, total=len(jobs) - len(skipped))
            with ThreadPoolExecutor(self.workers) as pool:
                futures = [pool.submit(one, job, self.workers > 1) for job in together]
                try:
                    for future in as_completed(futures):
                        future.result()
                except KeyboardInterrupt:
                    self.stop.set()  # the running children are killed by their threads
                    for future in futures:
                        future.cancel()
                    raise
            progress.update(task, description="done")

    def bare_walls(self, workload: Workload) -> list[float]:
        """Wall times of the workload's clean unprofiled runs so far."""
        walls = []
        for repeat in range(1, 1_000):
            job = Job(workload, Mode.BARE, repeat)
            if not job.path(self.raw_dir, ".process.json").is_file():
                break
            metrics, _ = ChildMetrics.read_or_why(job.path(self.raw_dir, ".metrics.json"))
            process, _ = ProcessRecord.read_or_why(job.path(self.raw_dir, ".process.json"))
            status, _, _ = classify(process, metrics)
            if status == Status.OK and metrics and metrics.wall_s is not None:
                walls.append(metrics.wall_s)
        return walls

    def bare_median(self, workload: Workload) -> Optional[float]:
        """The median of those, or None before there is one."""
        walls = self.bare_walls(workload)
        return statistics.median(walls) if walls else None

    def fit_repeats(self, first: Job, jobs: Sequence[Job]) -> set[Job]:
        """After a workload's first unprofiled run: the repeats that do not fit in the budget
        (left out, and said), and the expected time of what is left, in the terminal."""
        bare = [j for j in jobs if j.workload == first.workload and j.mode == Mode.BARE]
        walls = self.bare_walls(first.workload)
        if not walls:
            return set()
        made = repeats_within(walls[0], len(bare), self.limits.repeat_budget_s)
        record = {"asked": len(bare), "made": made, "budget_s": self.limits.repeat_budget_s,
                  "first_s": walls[0]}
        path = repeats_path(self.raw_dir, first.workload)
        path.write_text(json.dumps(record), encoding="utf-8")
        profiled = [j for j in jobs if j.workload == first.workload and j.profiler]
        expected = walls[0] * (made - 1 + sum(PROFILERS[j.profiler].limit_factor / 2
                                              for j in profiled))
        fitted = (f"{made} of the {len(bare)} unprofiled runs are made, to keep near the "
                  f"{self.limits.repeat_budget_s:g} s budget (--repeat-budget; never fewer "
                  "than 3 but where one run exceeds it); " if made < len(bare) else "")
        if fitted or expected >= EXPECTED_WORTH_SAYING_S:
            self.console.print(f"{first.workload.name}: one unprofiled run took "
                               f"{walls[0]:.1f} s; {fitted}the rest of its runs should take "
                               f"about {_duration(expected)}")
        return {j for j in bare if j.repeat > made}

    def one(self, job: Job, parallel: bool, progress: Progress) -> None:
        """Reuse the job from the cache, or run it (and remember it if it ended cleanly)."""
        key = self.cache.key(job) if self.cache else ""
        entry = self.cache.lookup(key) if self.cache else None
        target = job.path(self.raw_dir, "").parent
        copied = self.cache.copy(entry, target, job.stem) if self.cache and entry else None
        if self.cache and copied is not None:
            copied.write(job.path(self.raw_dir, ".process.json"))
            # The newest copy becomes the entry: deleting old reports keeps the cache warm.
            self.cache.remember(key, self.run_id, job.workload.name, job.stem)
            return
        limits = self.limits.for_job(job, self.bare_median(job.workload))
        record = execute(job, self.raw_dir, limits, self.stop, parallel)
        if self.after is not None and not job.mode.timing and not record.interrupted:
            self.after(job)
        # Unreadable metrics: the status says the child could not report.
        metrics, _ = ChildMetrics.read_or_why(job.path(self.raw_dir, ".metrics.json"))
        status, reason, _ = classify(record, metrics)
        if status != Status.OK:  # the same words as the pages
            progress.console.print(f"[yellow]{job.workload.name} · {job.stem}: "
                                   f"{escape(status.label)}: {escape(reason)}[/]")
        elif self.cache and not record.interrupted:
            self.cache.remember(key, self.run_id, job.workload.name, job.stem)


def repeats_path(raw_dir: Path, workload: Workload) -> Path:
    """Where the scheduler says how many unprofiled repeats a workload got, and why."""
    return raw_dir / workload.name / "repeats.json"


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


def read_record(path: Path) -> Optional[dict[str, Any]]:
    """A JSON object the benchmark or the scheduler wrote; None if missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def run_jobs(jobs: Sequence[Job], raw_dir: Path, limits: Limits,
             console: Optional[Console] = None) -> None:
    """Run every job one after another, showing progress (no cache, no parallelism)."""
    Scheduler(raw_dir, limits, console=console).run(jobs)
