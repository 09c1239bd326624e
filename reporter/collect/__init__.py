"""Stage two: read every raw file once into the results model.

What the runner saw from outside (exit status, signal, timeout) and what the child saw inside
(wall time, the exception, `sys.exit` code) are joined into one status with a one-line reason.
An unreadable artifact marks its run, never the whole report.
"""

from __future__ import annotations

import functools
import os
from dataclasses import fields, replace
import threading
import time
import tokenize
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Optional

from reporter import results
from reporter.analysis import bench, gcstats, pymalloc, series
from reporter.environment import environment
from reporter.errors import ArtifactError, ReporterError, reads
from reporter.profilers import PROFILERS
from reporter.profilers.base import specs
from reporter.results import (Benchmark, CallMemoryStats, Col, DecoratedFunction,
                              LineTimeSummary, Lint, LintFindings, MemoryInsights,
                              MemraySummary, Observation, ProcessStats, RepeatPlan, Run,
                              RunRecord, ScriptOutput, WorkloadResult, WrittenFile)
from reporter.run import runner
from reporter.run.records import (CacheEntry, ChildMetrics, DecoratedRecord, LintRecord,
                                  ProbeRecord, ProcessRecord, ProcessTree, WrittenEntry)
from reporter.run.runner import Job, load_plan, read_record, repeats_path, working_folder
from reporter.run.status import classify
from reporter.serial import from_data
from reporter.vocabulary import Mode

STDERR_TAIL_BYTES = 4000
OUTPUT_HEAD_BYTES = 32 * 1024  # of what the script printed, kept for its page
MAX_SOURCE_BYTES = 512 * 1024


class Summaries:
    """Profiler summaries read while the run goes on.

    The runner calls this in a profiled job's worker slot as soon as the job ends, so a
    capture is read while the other slot's child still runs, instead of all of them after the
    last child; `collect` then takes the summaries from here. Reading takes the slot's turn,
    so there is never more work at once than there are slots.
    """

    def __init__(self, raw: Path) -> None:
        self.raw = raw
        self.read: dict[tuple[str, str], Any] = {}  # (workload, stem) -> summary or error
        self.seconds = 0.0
        self._lock = threading.Lock()  # two slots may finish at once

    def __call__(self, job: Job) -> None:
        """Read the job's capture, if it has one, into its profiler's summary."""
        artifact = job.artifact(self.raw)
        if not job.profiler or artifact is None or not artifact.is_file():
            return
        profiler = PROFILERS[job.profiler]
        started = time.perf_counter()
        try:
            found: Any = profiler.summarize(artifact)
        except ArtifactError as exc:
            found = exc
        with self._lock:
            self.read[(job.workload.name, job.stem)] = found
            self.seconds += time.perf_counter() - started

    def take(self, job: Job) -> Any:
        """The summary read for that job (ArtifactError raised again), or None."""
        with self._lock:
            found = self.read.pop((job.workload.name, job.stem), None)
        if isinstance(found, ArtifactError):
            raise found
        return found


def collect(work: Path, run_id: str, complete: bool = True,
            summaries: Optional[Summaries] = None) -> Run:
    """Build the results model from a run folder's `raw/` files, taking the profiler
    summaries already read during the run from `summaries`."""
    raw = work / "raw"
    jobs, _ = load_plan(raw)
    _load_results.cache_clear()  # earlier runs' results, read at most once per collection
    workloads: dict[str, WorkloadResult] = {}
    for job in jobs:
        w = job.workload
        result = workloads.setdefault(
            w.name, WorkloadResult(name=w.name, script=w.script, args=list(w.args), runs=[]))
        if job.mode == Mode.LINT:  # not a run of the script: its findings are the workload's
            result.lint = collect_lint(job, raw)
        else:
            result.runs.append(collect_job(job, raw, work, summaries))
    for result in workloads.values():
        keep_one_full_record(result)
        result.sources = read_sources(files_with_lines(result))
        result.output = script_output(result, work)
        result.repeats = repeat_plan(repeats_path(raw, jobs_workload(jobs, result.name)))
        benched = [j for j in jobs if j.workload.name == result.name and j.mode.benchmark]
        if benched:
            result.benchmark = collect_benchmark(benched, raw, result)
    used = {j.profiler for j in jobs if j.profiler}
    return Run(run_id=run_id, environment=environment(), workloads=list(workloads.values()),
               complete=complete,
               profilers={n: spec for n, spec in specs().items() if n in used})


def collect_lint(job: Job, raw: Path) -> Lint:
    """The linters' findings, or why the lint job left none (it never ran, it was stopped,
    its file is damaged)."""
    process, unreadable = ProcessRecord.read_or_why(job.path(raw, ".process.json"))
    reused = process.reused_from if process else None
    reused_from = f"{reused.run_id} ({reused.created})" if reused else ""
    artifact = job.artifact(raw)
    found, damaged = LintRecord.read_or_why(artifact) if artifact else (None, "")
    if found is not None:
        return Lint(**{f.name: getattr(found, f.name) for f in fields(LintFindings)},
                    reused_from=reused_from)
    if process is not None and process.timed_out:
        return Lint(error=f"the linters were stopped after {process.timeout:g} s")
    metrics, _ = ChildMetrics.read_or_why(job.path(raw, ".metrics.json"))
    status, reason, _ = classify(process, metrics)
    why = damaged or unreadable or (f"{status.label}: {reason}" if reason
                                    else "the lint child wrote no findings")
    return Lint(error=why)


def files_with_lines(result: WorkloadResult) -> list[str]:
    """The script's own files that some per-line figure points into, the script first."""
    files = [result.script]
    for record in result.runs:
        timed, memory = record.profile_as(LineTimeSummary), record.profile_as(MemraySummary)
        files += [t.file for t in timed.lines] if timed else []
        files += [m.file for m in memory.lines] if memory else []
        files += [d.file for d in record.decorated if d.lines]
    return list(dict.fromkeys(os.path.abspath(f) if f == result.script else f for f in files))


def read_sources(files: Sequence[str]) -> dict[str, str]:
    """Each file's text as Python would decode it; unreadable or larger files are left out
    (their lines are still listed, without their text)."""
    found = {}
    for file in files:
        try:
            if os.path.getsize(file) > MAX_SOURCE_BYTES:
                continue
            with tokenize.open(file) as source:
                found[file] = source.read()
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
    return found


def keep_one_full_record(result: WorkloadResult) -> None:
    """Full gc, pymalloc and object records only where the page shows them: the first clean
    bare run and the first clean run of each scenario. The other repeats keep the figures
    their comparisons need (peak RSS, gc counts), so no figure is stored many times over."""
    shown: set[tuple[str, str]] = set()
    for record in result.runs:
        if record.insights is None:
            continue
        key = (record.mode, record.label)
        if record.ok and key not in shown:
            shown.add(key)
        else:
            record.insights = slim(record.insights)


def slim(full: MemoryInsights) -> MemoryInsights:
    """The insights without their bulky parts: texts, tables and time series."""
    return replace(full, pymalloc_before=None, pymalloc_end=None, pymalloc_released=None,
                   objects=[], collections=[], rss_samples=[], observations=[])


def collect_benchmark(jobs: Sequence[Job], raw: Path,
                      result: WorkloadResult) -> Optional[Benchmark]:
    """Pool the benchmark processes that ran cleanly; a malformed file marks its run."""
    timings, memory = [], None
    records = {(r.mode, r.repeat): r for r in result.runs}
    for job in jobs:
        record = records[(job.mode, job.repeat)]
        artifact = job.artifact(raw)
        data = read_record(artifact) if record.ok and artifact else None
        if record.ok and data is None:
            record.artifact_error = f"{job.stem}: the benchmark wrote no readable results"
        elif job.mode == Mode.BENCH and data is not None:
            timings.append(data)
        elif data is not None:
            memory = data
    try:
        return bench.merge(timings, memory)
    except ReporterError as exc:
        records[(jobs[0].mode, jobs[0].repeat)].artifact_error = f"benchmark results: {exc}"
        return None


def collect_job(job: Job, raw: Path, work: Path,
                summaries: Optional[Summaries] = None) -> RunRecord:
    """One child's record: its status, its files, and its profiler's summary if readable.

    A job reused from an earlier run takes that run's summary instead of reading its
    captures again; if that is gone or unreadable, the copied files are read as usual.
    """
    # The runner's own file; damaged, the run is not known.
    process, unreadable = ProcessRecord.read_or_why(job.path(raw, ".process.json"))
    reused = process.reused_from if process else None
    if reused is not None:
        earlier = _earlier_record(work.parent, reused, job)
        if earlier is not None:
            earlier.artifacts = _artifacts(job, raw, work)
            earlier.reused_from = f"{reused.run_id} ({reused.created})"
            return earlier
    record = _fresh_record(job, raw, work, process, summaries)
    record.artifact_error = record.artifact_error or unreadable or None
    return record


def _artifacts(job: Job, raw: Path, work: Path) -> dict[str, str]:
    files = {"stdout": job.path(raw, ".stdout.txt"), "stderr": job.path(raw, ".stderr.txt"),
             "artifact": job.artifact(raw)}
    return {k: p.relative_to(work).as_posix() for k, p in files.items()
            if p is not None and p.is_file() and p.stat().st_size}


def _earlier_record(out: Path, reused: CacheEntry, job: Job) -> Optional[RunRecord]:
    """The record of the same job in the earlier run's results.json, if it can be read."""
    try:
        earlier = _load_results(out / reused.run_id / "results.json")
        workload = next(w for w in earlier.workloads if w.name == reused.workload)
        return next(r for r in workload.runs
                    if (r.mode, r.profiler, r.repeat, r.label)
                    == (job.mode, job.profiler, job.repeat, job.label))
    except (ReporterError, StopIteration):
        return None


@functools.lru_cache(maxsize=8)
def _load_results(path: Path) -> Run:
    return results.load(path)


def _fresh_record(job: Job, raw: Path, work: Path, process: Optional[ProcessRecord],
                  summaries: Optional[Summaries] = None) -> RunRecord:
    """Read a job's files: how it ended, its captures, its gc and decorator records."""
    metrics, unreadable = ChildMetrics.read_or_why(job.path(raw, ".metrics.json"))
    if metrics is not None and metrics.mode != job.mode:  # another job's file: not this one's
        unreadable = f"{job.stem}.metrics.json: written by a {metrics.mode} run"
        metrics = None
    status, reason, exit_code = classify(process, metrics)
    record = RunRecord(
        mode=job.mode,
        profiler=job.profiler,
        repeat=job.repeat,
        status=status,
        reason=reason,
        exit_code=exit_code,
        wall_s=metrics.wall_s if metrics else None,
        process_s=process.process_s if process else 0.0,
        stderr_tail=tail(job.path(raw, ".stderr.txt")),
        label=job.label,
        extra_args=list(job.extra_args),
        parallel=process.parallel if process else False,
        artifacts=_artifacts(job, raw, work),
        artifact_error=unreadable or None,
    )
    try:
        if process and process.process:
            record.process = process_stats(process.process, record.process_s,
                                           _window(process, metrics))
        if metrics and metrics.memory:
            record.insights = insights(metrics.memory, process.rss_samples if process else [])
        if metrics:
            record.decorated = [decorated(d, job.path(raw, "").parent, work)
                                for d in metrics.decorated]
    except ArtifactError as exc:
        record.artifact_error = f"{job.stem}: {exc}"
    if job.profiler and process is not None:  # a profiler ran: summarise its capture
        artifact = job.artifact(raw)
        try:
            if artifact is None or not artifact.is_file():
                raise ArtifactError(f"{job.stem}: the profiler wrote no capture")
            found = summaries.take(job) if summaries else None
            record.profile = (found if found is not None
                              else PROFILERS[job.profiler].summarize(artifact))
        except ArtifactError as exc:
            record.artifact_error = str(exc)
    record.own_tools = list(metrics.own_tools) if metrics else []
    record.written = written_files(process.written if process else [], job, raw, work)
    record.partial, record.partial_reason = partial(record)
    return record


def written_files(found: Sequence[WrittenEntry], job: Job, raw: Path,
                  work: Path) -> list[WrittenFile]:
    """The files the run wrote in its working folder, as the runner listed them."""
    folder = working_folder(raw, job).relative_to(work).as_posix()
    return [WrittenFile(f.path, f.bytes, f"{folder}/{f.path}") for f in found]


# Less than this is the hand-off's own instant, not a stretch the profile missed.
UNSEEN_FLOOR_S = 0.001


def partial(record: RunRecord) -> tuple[bool, str]:
    """Whether the run's capture missed part of the script, and what it missed."""
    if record.profile is None:
        return False, ""
    if not record.ok:
        return True, "what it saved before it stopped"
    unseen = record.unseen_s
    if unseen > UNSEEN_FLOOR_S:
        tools = ", ".join(sorted({t.name for t in record.own_tools if t.unseen_s}))
        missed = PROFILERS[record.profiler].unseen_words
        return True, f"{missed} {unseen:.3g} s, while the script's own {tools} held its hook"
    return False, ""


@reads("gc and pymalloc record")
def insights(data: ProbeRecord, rss: Sequence[Sequence[float]] = ()) -> MemoryInsights:
    """The probe's raw record (gc callback rows, pymalloc texts, object counts) made readable,
    with the runner's RSS samples timed from the script's start."""
    events = gcstats.collections(data.gc_events)
    start = data.script_started_at
    return MemoryInsights(
        gc_enabled=data.gc_enabled_before,
        gc_description=gcstats.describe_collector(
            data.python_version, data.gc_threshold, data.gc_enabled_before),
        generations=gcstats.generations(events, data.gc_threshold, data.gc_generations),
        collections=gcstats.thin(events),
        collections_dropped=data.gc_events_dropped,
        collected_after_release=data.collected_after_release,
        pymalloc_before=pymalloc.parse_or_none(data.mallocstats_before),
        pymalloc_end=pymalloc.parse_or_none(data.mallocstats_end),
        pymalloc_released=pymalloc.parse_or_none(data.mallocstats_released),
        objects=gcstats.type_growth(data.objects_before, data.objects_end),
        max_rss_bytes=data.max_rss_kib * 1024,
        rss_samples=series.keep_peaks(
            [[round(float(t) - start, 4), float(v)] for t, v in rss if float(t) >= start],
            lambda sample: sample[1]),
        observations=[Observation(str(name), value) for name, value in data.observations],
        modules_before=data.modules_before,
        harness_modules=data.harness_modules,
        tracked_before=data.tracked_before,
    )


def _window(process: ProcessRecord, metrics: Optional[ChildMetrics]) -> tuple[float, float]:
    """When the script ran, in seconds since the runner started the child; (0, 0) if the
    child did not say."""
    if metrics is None or metrics.started_at is None or metrics.wall_s is None:
        return 0.0, 0.0
    start = metrics.started_at - process.started_at
    return round(start, 4), round(start + metrics.wall_s, 4)


def process_stats(tree: ProcessTree, elapsed_s: float,
                  window: tuple[float, float] = (0.0, 0.0)) -> ProcessStats:
    """The runner's view of the child's process tree, its series thinned for drawing."""
    totals, samples = tree.totals, tree.series
    return ProcessStats(
        elapsed_s=elapsed_s,
        user_s=totals.user_s, system_s=totals.system_s,
        max_rss_bytes=max([totals.vm_hwm_bytes, *(int(p[Col.RSS]) for p in samples),
                           *(c.peak_rss_bytes for c in tree.children)]),
        tree_peak_rss_bytes=max((int(p[Col.TREE_RSS]) for p in samples), default=0),
        script_start_s=window[0], script_end_s=window[1],
        vm_hwm_bytes=totals.vm_hwm_bytes,
        vm_peak_bytes=totals.vm_peak_bytes,
        minor_faults=totals.minor_faults, major_faults=totals.major_faults,
        ctx_voluntary=totals.ctx_voluntary,
        ctx_involuntary=totals.ctx_involuntary, max_threads=totals.max_threads,
        read_bytes=totals.read_bytes, write_bytes=totals.write_bytes,
        rchar=totals.rchar, wchar=totals.wchar,
        waiting_share=series.share(samples, Col.IN_D),
        running_share=series.share(samples, Col.IN_R),
        series=series.keep_peaks(samples, lambda p: p[Col.TREE_RSS]),
        children=list(tree.children),
    )


@reads("record of a decorated function")
def decorated(data: DecoratedRecord, folder: Path, work: Path) -> DecoratedFunction:
    """A decorated function's counters, its dumped profile summarised, its memory per call."""
    prof = folder / data.prof
    memory = data.memory  # [net, peak] per profiled call
    found = DecoratedFunction(
        name=data.name, calls=data.calls, nested_calls=data.nested,
        unprofiled_calls=data.unprofiled, artifact=prof.relative_to(work).as_posix(),
        profile=None, file=data.file, lines=list(data.lines),
        memory=CallMemoryStats(
            calls=len(memory), net_mean=sum(m[0] for m in memory) / len(memory),
            net_max=max(m[0] for m in memory), peak_mean=sum(m[1] for m in memory) / len(memory),
            peak_max=max(m[1] for m in memory)) if memory else None,
    )
    try:
        found.profile = PROFILERS["cprofile"].summarize(prof)
    except ArtifactError as exc:
        found.error = str(exc)
    return found


def jobs_workload(jobs: Sequence[Job], name: str) -> runner.Workload:
    """The workload of that name in the plan."""
    return next(j.workload for j in jobs if j.workload.name == name)


def repeat_plan(path: Path) -> Optional[RepeatPlan]:
    """What the scheduler decided of the unprofiled repeats, if it wrote it."""
    data = read_record(path)
    try:
        return from_data(RepeatPlan, data, "repeats") if data else None
    except ReporterError:
        return None


def script_output(result: WorkloadResult, work: Path) -> Optional[ScriptOutput]:
    """What the script printed in its first clean unprofiled run (else its first run): the
    homework's own tables and timings, which the student hands in."""
    bare = [r for r in result.runs if r.mode == Mode.BARE]
    record = next((r for r in bare if r.ok), None) or next(iter(bare or result.runs), None)
    if record is None:
        return None
    streams = {}
    for kind in ("stdout", "stderr"):
        name = record.artifacts.get(kind, "")
        path = work / name
        size = path.stat().st_size if name and path.is_file() else 0
        streams[kind] = (head(path) if size else "", size, name)
    (out, out_bytes, out_file), (err, err_bytes, err_file) = streams["stdout"], streams["stderr"]
    return ScriptOutput(record.mode, record.repeat, out, out_bytes, err, err_bytes, out_file,
                        err_file, record.written)


def head(path: Path, limit: int = OUTPUT_HEAD_BYTES) -> str:
    """The first `limit` bytes of a text file, decoded leniently (output may be any bytes)."""
    with open(path, "rb") as f:
        return f.read(limit).decode("utf-8", errors="replace")


def tail(path: Path, limit: int = STDERR_TAIL_BYTES) -> str:
    """The last `limit` bytes of a text file, decoded leniently (output may be any bytes)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, 2)
            f.seek(max(f.tell() - limit, 0))
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
