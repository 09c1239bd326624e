"""Stage two: read every raw file once into the results model.

What the runner saw from outside (exit status, signal, timeout) and what the child saw inside
(wall time, the exception, `sys.exit` code) are joined into one status with a one-line reason.
An unreadable artifact marks its run, never the whole report.
"""

from __future__ import annotations

import functools
import os
from dataclasses import replace
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
from reporter.results import (Benchmark, CallMemoryStats, LineTimeSummary, MemraySummary,
                              ChildProcess, Col, DecoratedFunction, DecoratedLine,
                              MemoryInsights, Observation, OwnTool, ProcessStats, RepeatPlan, Run,
                              RunRecord, ScriptOutput, WorkloadResult, WrittenFile)
from reporter.run import runner
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
    process = read_record(job.path(raw, ".process.json"))
    reused = (process or {}).get("reused_from")
    if isinstance(reused, dict):
        earlier = _earlier_record(work.parent, reused, job)
        if earlier is not None:
            earlier.artifacts = _artifacts(job, raw, work)
            earlier.reused_from = f"{reused.get('run_id')} ({reused.get('created')})"
            return earlier
    return _fresh_record(job, raw, work, process, summaries)


def _artifacts(job: Job, raw: Path, work: Path) -> dict[str, str]:
    files = {"stdout": job.path(raw, ".stdout.txt"), "stderr": job.path(raw, ".stderr.txt"),
             "artifact": job.artifact(raw)}
    return {k: p.relative_to(work).as_posix() for k, p in files.items()
            if p is not None and p.is_file() and p.stat().st_size}


def _earlier_record(out: Path, reused: dict[str, Any], job: Job) -> Optional[RunRecord]:
    """The record of the same job in the earlier run's results.json, if it can be read."""
    try:
        earlier = _load_results(out / str(reused["run_id"]) / "results.json")
        workload = next(w for w in earlier.workloads if w.name == reused["workload"])
        return next(r for r in workload.runs
                    if (r.mode, r.profiler, r.repeat, r.label)
                    == (job.mode, job.profiler, job.repeat, job.label))
    except (ReporterError, KeyError, StopIteration):
        return None


@functools.lru_cache(maxsize=8)
def _load_results(path: Path) -> Run:
    return results.load(path)


def _fresh_record(job: Job, raw: Path, work: Path, process: Optional[dict[str, Any]],
                  summaries: Optional[Summaries] = None) -> RunRecord:
    """Read a job's files: how it ended, its captures, its gc and decorator records."""
    metrics = read_record(job.path(raw, ".metrics.json"))
    status, reason, exit_code = classify(process, metrics)
    record = RunRecord(
        mode=job.mode,
        profiler=job.profiler,
        repeat=job.repeat,
        status=status,
        reason=reason,
        exit_code=exit_code,
        wall_s=_seconds((metrics or {}).get("wall_s")),
        process_s=_seconds((process or {}).get("process_s")) or 0.0,
        stderr_tail=tail(job.path(raw, ".stderr.txt")),
        label=job.label,
        extra_args=list(job.extra_args),
        parallel=bool((process or {}).get("parallel")),
        artifacts=_artifacts(job, raw, work),
    )
    try:
        if process and isinstance(process.get("process"), dict):
            record.process = process_stats(process["process"], record.process_s,
                                           _window(process, metrics, record.wall_s))
        if metrics and isinstance(metrics.get("memory"), dict):
            record.insights = insights(metrics["memory"], (process or {}).get("rss_samples", []))
        if metrics and isinstance(metrics.get("decorated"), list):
            record.decorated = [decorated(d, job.path(raw, "").parent, work)
                                for d in metrics["decorated"]]
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
    record.own_tools = own_tools((metrics or {}).get("own_tools"))
    record.written = written_files((process or {}).get("written"), job, raw, work)
    record.partial, record.partial_reason = partial(record)
    return record


def written_files(data: Any, job: Job, raw: Path, work: Path) -> list[WrittenFile]:
    """The files the run wrote in its working folder, as the runner listed them."""
    if not isinstance(data, list):
        return []
    folder = working_folder(raw, job).relative_to(work).as_posix()
    return [WrittenFile(str(f["path"]), int(f["bytes"]), f"{folder}/{f['path']}")
            for f in data if isinstance(f, dict) and "path" in f and "bytes" in f]


def own_tools(data: Any) -> list[OwnTool]:
    """The script's own profilers and tracers as the child's guard recorded them."""
    if not isinstance(data, list):
        return []
    try:
        return [from_data(OwnTool, item, "own_tools") for item in data]
    except ReporterError:
        return []


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
def insights(data: dict[str, Any], rss: Sequence[Sequence[float]] = ()) -> MemoryInsights:
    """The probe's raw record (gc callback rows, pymalloc texts, object counts) made readable,
    with the runner's RSS samples timed from the script's start."""
    events = gcstats.collections(data.get("gc_events", []))
    start = float(data.get("script_started_at", 0.0))
    return MemoryInsights(
        gc_enabled=bool(data.get("gc_enabled_before", True)),
        gc_description=gcstats.describe_collector(
            data.get("python_version", []), data.get("gc_threshold", []),
            bool(data.get("gc_enabled_before", True))),
        generations=gcstats.generations(events, data.get("gc_threshold", []),
                                        int(data.get("gc_generations", gcstats.GENERATIONS))),
        collections=gcstats.thin(events),
        collections_dropped=int(data.get("gc_events_dropped", 0)),
        collected_after_release=int(data.get("collected_after_release", 0)),
        pymalloc_before=pymalloc.parse_or_none(data.get("mallocstats_before")),
        pymalloc_end=pymalloc.parse_or_none(data.get("mallocstats_end")),
        pymalloc_released=pymalloc.parse_or_none(data.get("mallocstats_released")),
        objects=gcstats.type_growth(data.get("objects_before", {}), data.get("objects_end", {})),
        max_rss_bytes=int(data.get("max_rss_kib", 0)) * 1024,
        rss_samples=series.keep_peaks(
            [[round(float(t) - start, 4), float(v)] for t, v in rss if float(t) >= start],
            lambda sample: sample[1]),
        observations=[Observation(str(name), value)
                      for name, value in data.get("observations", [])],
        modules_before=int(data.get("modules_before", 0)),
        harness_modules=int(data.get("harness_modules", 0)),
        tracked_before=int(data.get("tracked_before", 0)),
    )


def _window(process: dict[str, Any], metrics: Optional[dict[str, Any]],
            wall_s: Optional[float]) -> tuple[float, float]:
    """When the script ran, in seconds since the runner started the child; (0, 0) if the
    child did not say."""
    began = (metrics or {}).get("started_at")
    if not isinstance(began, (int, float)) or wall_s is None:
        return 0.0, 0.0
    start = float(began) - float(process.get("started_at", began))
    return round(start, 4), round(start + wall_s, 4)


@reads("process record")
def process_stats(data: dict[str, Any], elapsed_s: float,
                  window: tuple[float, float] = (0.0, 0.0)) -> ProcessStats:
    """The runner's view of the child's process tree, its series thinned for drawing."""
    totals = data["totals"]
    samples = data.get("series", [])
    children = data.get("children", [])
    return ProcessStats(
        elapsed_s=elapsed_s,
        user_s=float(totals["user_s"]), system_s=float(totals["system_s"]),
        max_rss_bytes=max([int(totals["vm_hwm_bytes"]), *(int(p[Col.RSS]) for p in samples),
                           *(int(c["peak_rss_bytes"]) for c in children)]),
        tree_peak_rss_bytes=max((int(p[Col.TREE_RSS]) for p in samples), default=0),
        script_start_s=window[0], script_end_s=window[1],
        vm_hwm_bytes=int(totals["vm_hwm_bytes"]),
        vm_peak_bytes=int(totals["vm_peak_bytes"]),
        minor_faults=int(totals["minor_faults"]), major_faults=int(totals["major_faults"]),
        ctx_voluntary=int(totals["ctx_voluntary"]),
        ctx_involuntary=int(totals["ctx_involuntary"]), max_threads=int(totals["max_threads"]),
        read_bytes=int(totals["read_bytes"]), write_bytes=int(totals["write_bytes"]),
        rchar=int(totals["rchar"]), wchar=int(totals["wchar"]),
        waiting_share=series.share(samples, Col.IN_D),
        running_share=series.share(samples, Col.IN_R),
        series=[[float(v) for v in p]
                for p in series.keep_peaks(samples, lambda p: p[Col.TREE_RSS])],
        children=[ChildProcess(
            pid=int(c["pid"]), command=str(c["command"]),
            first_seen_s=float(c["first_seen_s"]), user_s=float(c["user_s"]),
            system_s=float(c["system_s"]), peak_rss_bytes=int(c["peak_rss_bytes"]),
            read_bytes=int(c["read_bytes"]), write_bytes=int(c["write_bytes"]),
            rchar=int(c["rchar"]), wchar=int(c["wchar"])) for c in children],
    )


@reads("record of a decorated function")
def decorated(data: dict[str, Any], folder: Path, work: Path) -> DecoratedFunction:
    """A decorated function's counters, its dumped profile summarised, its memory per call."""
    prof = folder / str(data["prof"])
    memory = [(int(net), int(peak)) for net, peak in data.get("memory", [])]
    found = DecoratedFunction(
        name=str(data["name"]), calls=int(data["calls"]), nested_calls=int(data["nested"]),
        unprofiled_calls=int(data["unprofiled"]), artifact=prof.relative_to(work).as_posix(),
        profile=None, file=str(data.get("file", "")),
        lines=[DecoratedLine(int(n), str(text), int(hits), float(spent), int(increment),
                             int(peak))
               for n, text, hits, spent, increment, peak in data.get("lines", [])],
        memory=CallMemoryStats(
            calls=len(memory), net_mean=sum(n for n, _ in memory) / len(memory),
            net_max=max(n for n, _ in memory), peak_mean=sum(p for _, p in memory) / len(memory),
            peak_max=max(p for _, p in memory)) if memory else None,
    )
    try:
        found.profile = PROFILERS["cprofile"].summarize(prof)
    except ArtifactError as exc:
        found.error = str(exc)
    return found


def _seconds(value: Any) -> Optional[float]:
    """A duration read from a child's file, or None if it is not a plain number."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    return float(value) if ok else None


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
