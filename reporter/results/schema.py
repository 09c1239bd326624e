"""The results model: what one run of the reporter found, as plain data (`store` reads and
writes it as `results.json`)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol, TypeVar

from reporter.vocabulary import Mode, Status

# 2: compact JSON, trees pruned to 0.1% with exact totals, full insights only where shown.
# 4: per-line time (the line sampler) and memory (memray), the script's own sources.
# 5: a run's mode, status and graph kinds are enums; a profiled run names its profiler and
#    holds its summary in `profile`; memray's figures at exit are `exit_*`.
# 6: a workload's `lint` (flake8's and pylint's findings on the script); a benchmark case's
#    instructions (`readings`) and the controls.
FORMAT_VERSION = 6
S = TypeVar("S")


@dataclass
class Frame:
    """A node of a call tree: `value` is this frame's total, `self_value` what it spent itself."""

    function: str
    file: str
    line: int
    value: float
    self_value: float
    children: list[Frame] = field(default_factory=list)


@dataclass
class FlameGraph:
    """A call tree to draw, with what its values measure and how far to trust it."""

    name: str
    title: str
    unit: str
    tree: Frame
    note: str = ""
    approximate: bool = False


@dataclass
class FunctionStat:
    """One row of a pstats table."""

    function: str
    file: str
    line: int
    calls: int
    primitive_calls: int
    own_s: float
    cumulative_s: float


@dataclass
class CProfileSummary:
    """What a cProfile capture says: call totals, the top functions two ways, a rebuilt tree."""

    total_calls: int
    primitive_calls: int
    total_s: float
    functions: list[FunctionStat]  # every function the script ran, by cumulative time
    graphs: list[FlameGraph] = field(default_factory=list)
    # Functions whose own time exceeds their cumulative time in cProfile's own figures: since
    # 3.12 one cProfile records every thread's calls into one profile, and threads that
    # interleave calls of the same function confuse its accounting.
    inconsistent: int = 0

    @property
    def by_own(self) -> list[FunctionStat]:
        """Every function by its own time (`functions` are by cumulative time)."""
        return sorted(self.functions, key=lambda r: (-r.own_s, -r.cumulative_s))


@dataclass
class PyinstrumentSummary:
    """The sampled call tree of a pyinstrument session (real stacks)."""

    duration_s: float
    samples: int  # real samples: not the one per stretch the script's own profiler held the hook
    interval_s: float
    graphs: list[FlameGraph] = field(default_factory=list)
    unseen_s: float = 0.0  # seconds the script's own profiler held the hook
    # The deep-stack guard: the largest interval it sampled at, and how many samples had the
    # middle of a deep recursion condensed into one "[recursion]" frame.
    max_interval_s: float = 0.0
    condensed_samples: int = 0
    kept_root_frames: int = 0
    kept_leaf_frames: int = 0


@dataclass
class CodeLocation:
    """A function at a line of a file."""

    function: str
    file: str
    line: int


@dataclass
class AllocationSite:
    """Memory attributed to one source line, with the stack that led there (innermost first)."""

    function: str
    file: str
    line: int
    bytes: int
    allocations: int
    allocators: list[str]
    stack: list[CodeLocation]


@dataclass
class MemoryPoint:
    """One of memray's periodic snapshots: resident set size and heap in use at a moment."""

    time_s: float
    rss_bytes: int
    heap_bytes: int


@dataclass
class SizeBin:
    """Allocations whose size falls in [low, high] bytes."""

    low: int
    high: int
    allocations: int
    bytes: int


@dataclass
class MemraySummary:
    """What a memray capture says: the peak and what made it, what was left at exit, and when."""

    peak_bytes: int
    peak_allocations: int
    exit_bytes: int  # still allocated when the script ended
    exit_allocations: int
    python_allocator: str
    traces_python_allocators: bool
    bytes_by_allocator_at_peak: dict[str, int]
    top_at_peak: list[AllocationSite]
    top_at_exit: list[AllocationSite]
    timeline: list[MemoryPoint]
    sizes_at_peak: list[SizeBin]
    graphs: list[FlameGraph] = field(default_factory=list)
    lines: list[LineMemory] = field(default_factory=list)


@dataclass
class LineMemory:
    """Memory charged to one of the script's own lines: what it allocated, itself or through
    the library calls it made (the innermost user frame of each stack), and its own part."""

    file: str
    line: int
    function: str
    peak_bytes: int = 0
    peak_allocations: int = 0
    exit_bytes: int = 0
    own_peak_bytes: int = 0
    own_exit_bytes: int = 0


@dataclass
class LineTime:
    """CPU time of the main thread sampled on one of the script's own lines."""

    file: str
    line: int
    function: str
    own_s: float  # the line was the innermost Python frame (C functions it calls included)
    with_calls_s: float  # the line was anywhere on the stack
    own_samples: int
    samples: int


@dataclass
class LineTimeSummary:
    """The line sampler's table: every user line it saw, and what its figures rest on."""

    cpu_s: float  # the main thread's CPU time, all of it, user lines or not
    samples: int
    interval_s: float
    max_interval_s: float
    handler_s: float
    lines: list[LineTime] = field(default_factory=list)
    dropped: int = 0  # signals that came while a sample was being taken, charged to the next
    graphs: list[FlameGraph] = field(default_factory=list)


@dataclass
class ChildProcess:
    """A process the script started, as last seen by the runner's polling."""

    pid: int
    command: str
    first_seen_s: float
    user_s: float
    system_s: float
    peak_rss_bytes: int
    read_bytes: int
    write_bytes: int
    rchar: int
    wchar: int


class Col:
    """The columns of a `ProcessStats.series` row, in the order the runner writes them."""

    T, USER, SYSTEM, RSS, TREE_RSS, VMS, THREADS, IN_D, RCHAR, WCHAR, READ, WRITE, IN_R = \
        range(13)


@dataclass
class ProcessStats:  # pylint: disable=too-many-instance-attributes  # the kernel's counters
    """What top, atop and iotop would have shown of one run, the processes it started
    included: totals from `os.wait4`'s rusage and /proc/PID/io, and the polled series."""

    elapsed_s: float  # the child process's whole life, start-up included, as rusage counts
    user_s: float
    system_s: float
    # The largest resident set of any one process: the main one's VmHWM, or a child's highest
    # sample. (rusage's ru_maxrss would count the runner's pages the child had between its
    # fork and its exec: never below the runner's own size.)
    max_rss_bytes: int
    vm_hwm_bytes: int  # the main process's VmHWM and VmPeak, last seen
    vm_peak_bytes: int
    minor_faults: int
    major_faults: int
    ctx_voluntary: int
    ctx_involuntary: int
    max_threads: int
    read_bytes: int  # through the storage layer, every process of the tree
    write_bytes: int
    rchar: int  # every read and write call, the page cache and pipes included
    wchar: int
    waiting_share: float  # share of samples with a process in state D (waiting on the disk)
    running_share: float = 0.0  # share of samples with a process running or runnable (R)
    tree_peak_rss_bytes: int = 0  # every process's RSS together, at its highest sample
    # When the script itself ran, in seconds of the series (0, 0: not known).
    script_start_s: float = 0.0
    script_end_s: float = 0.0
    # Rows of `Col`: seconds, CPU, memory, threads, processes in D, I/O, processes in R.
    series: list[list[float]] = field(default_factory=list)
    children: list[ChildProcess] = field(default_factory=list)

    @property
    def cpu_s(self) -> float:
        """User and system CPU seconds together."""
        return self.user_s + self.system_s

    @property
    def utilisation(self) -> float:
        """CPU seconds per second of the process's life: 1.0 is one core kept busy."""
        return self.cpu_s / self.elapsed_s if self.elapsed_s > 0 else 0.0


class ProfileSummary(Protocol):
    """What every profiler's summary has (each profiler names its own dataclass, `summary`)."""

    graphs: list[FlameGraph]


@dataclass
class OwnTool:
    """One of the script's own profilers or tracers, started at one line, as the child's
    guard (`run/handoff.py`) records it and writes it: how long it ran, and how much of that
    one of ours could not see."""

    tool: str  # "cProfile", "sys.setprofile", "sys.settrace", "sys.monitoring", "tracemalloc"...
    name: str  # what it is: "cProfile", "memory_profiler", "the script's own tracer"
    file: str
    line: int
    windows: int = 0  # how many times it was started
    active_s: float = 0.0  # seconds it ran, in all
    displaced_s: float = 0.0  # seconds ours had lost the hook to it
    recovered_s: float = 0.0  # of those, seconds whose profile was merged back into ours
    first_s: float = 0.0  # when it first started, in seconds after the script's start

    @property
    def unseen_s(self) -> float:
        """Seconds ours could not see and did not get back."""
        return max(self.displaced_s - self.recovered_s, 0.0)


@dataclass
class RunRecord:  # pylint: disable=too-many-instance-attributes  # what the child saw
    """One child process: how it ended and what its profiler captured."""

    mode: Mode
    repeat: int
    status: Status
    reason: str
    exit_code: Optional[int]
    wall_s: Optional[float]
    process_s: float
    stderr_tail: str
    artifacts: dict[str, str] = field(default_factory=dict)
    artifact_error: Optional[str] = None
    label: str = ""
    partial: bool = False
    parallel: bool = False
    reused_from: str = ""
    extra_args: list[str] = field(default_factory=list)
    insights: Optional[MemoryInsights] = None
    decorated: list[DecoratedFunction] = field(default_factory=list)
    profiler: str = ""  # the profiler of a profiled run, by its registered name
    profile: Optional[ProfileSummary] = None  # its summary: that profiler's `summary` class
    process: Optional[ProcessStats] = None
    own_tools: list[OwnTool] = field(default_factory=list)
    partial_reason: str = ""
    written: list[WrittenFile] = field(default_factory=list)  # files the script wrote

    @property
    def unseen_s(self) -> float:
        """Seconds of the script this run's profiler could not see (the script's own held
        the hook it needs)."""
        return sum(t.unseen_s for t in self.own_tools)

    @property
    def name(self) -> str:
        """What the run is, in a word: its profiler's name, or its mode."""
        return self.profiler or self.mode.value

    @property
    def ok(self) -> bool:
        """True when the script ran to completion and exited with status 0."""
        return self.status == Status.OK

    def profile_as(self, kind: type[S]) -> Optional[S]:
        """This run's summary if it is of that kind (`MemraySummary`...), else None."""
        return self.profile if isinstance(self.profile, kind) else None

    @property
    def graphs(self) -> list[FlameGraph]:
        """The flame graphs this run's profiler yielded."""
        return self.profile.graphs if self.profile else []


@dataclass
class TimingStats:
    """Wall times of repeated unprofiled runs, summarised with their spread."""

    samples: list[float]

    @property
    def median(self) -> float:
        """The median wall time."""
        return statistics.median(self.samples)

    @property
    def quartiles(self) -> tuple[float, float]:
        """First and third quartile (equal to the sample for fewer than two samples)."""
        if len(self.samples) < 2:
            return self.samples[0], self.samples[0]
        q1, _, q3 = statistics.quantiles(self.samples, n=4, method="inclusive")
        return q1, q3

    @property
    def relative_iqr(self) -> float:
        """Interquartile range as a fraction of the median."""
        q1, q3 = self.quartiles
        return (q3 - q1) / self.median if self.median else 0.0


@dataclass
class PymallocClass:
    """One row of `sys._debugmallocstats()`: a block size and how its pools are used."""

    index: int
    size: int
    pools: int
    blocks_in_use: int
    blocks_available: int


@dataclass
class PymallocStats:
    """pymalloc's state at one moment, parsed from `sys._debugmallocstats()`."""

    threshold: int
    alignment: int
    classes: list[PymallocClass]
    arena_size: int
    pool_size: int
    arenas_allocated_total: int
    arenas_reclaimed: int
    arenas_highwater: int
    arenas_current: int
    bytes_in_allocated_blocks: int
    bytes_in_available_blocks: int


@dataclass
class GcGeneration:
    """What the cyclic gc did in one generation during the script."""

    generation: int
    threshold: int
    collections: int
    collected: int
    uncollectable: int
    time_s: float


@dataclass
class GcCollection:
    """One collection, or several close in time: when it started (s from the script's start)
    and what it found."""

    start_s: float
    duration_s: float
    generation: int
    collected: int
    uncollectable: int
    count: int = 1  # collections merged into this one for drawing (see gcstats.thin)


@dataclass
class TypeCount:
    """Live objects of one type before and after the script."""

    type_name: str
    before: int
    after: int


@dataclass
class Observation:
    """Something the script recorded in its `OBSERVATIONS`, in the order it recorded it."""

    name: str
    value: Any


@dataclass
class MemoryInsights:
    """The lecture made visible: gc, pymalloc and objects around one unprofiled run."""

    gc_enabled: bool
    generations: list[GcGeneration]
    collections: list[GcCollection]
    collections_dropped: int
    collected_after_release: int
    pymalloc_before: Optional[PymallocStats]
    pymalloc_end: Optional[PymallocStats]
    pymalloc_released: Optional[PymallocStats]
    objects: list[TypeCount]
    max_rss_bytes: int
    rss_samples: list[list[float]]
    observations: list[Observation]
    gc_description: str = ""
    modules_before: int = 0  # modules loaded when the script started
    harness_modules: int = 0  # of which the reporter's own child harness
    tracked_before: int = 0  # objects the gc tracked when the script started


@dataclass
class CallMemoryStats:
    """Bytes per profiled call of a decorated function (its memory mode)."""

    calls: int
    net_mean: float
    net_max: int
    peak_mean: float
    peak_max: int


@dataclass
class DecoratedLine:
    """One line of a decorated function over all its traced calls, as memory_profiler and
    line_profiler print it: hits, time (calls made by the line included), and the bytes
    tracemalloc saw it leave allocated, and its highest point above its start."""

    line: int
    source: str
    hits: int
    time_s: float
    increment_bytes: int
    peak_bytes: int


@dataclass
class DecoratedFunction:
    """What a `profile_deco`-decorated function of the script accumulated over the run."""

    name: str
    calls: int
    nested_calls: int
    unprofiled_calls: int
    artifact: str
    profile: Optional[CProfileSummary]
    memory: Optional[CallMemoryStats] = None
    error: str = ""
    lines: list[DecoratedLine] = field(default_factory=list)  # `profile_deco(lines=True)`
    file: str = ""


@dataclass
class Instruction:
    """One attribute or call instruction as the interpreter ran it, named by `dis`."""

    name: str  # as specialised, e.g. LOAD_ATTR_SLOT
    base: str  # the instruction it specialises, e.g. LOAD_ATTR (itself where it is not)
    where: str  # "" for the timed statement, else the qualified name of the code it calls
    specialised: bool


@dataclass
class InstructionReading:
    """What a case's code ran, read alike at one or more moments of its timing processes."""

    instructions: list[Instruction]
    hidden: str  # what kept specialisation from being seen then; "" where it was seen
    moments: list[str]  # each moment that read this: "process 2 after the last round"


@dataclass
class CaseTiming:
    """One benchmark case: seconds per execution, pooled over every timing process.

    `values_s` are seconds per statement as measured (the statement written `unroll` times in
    the timed loop, so the loop's cost is shared among them); `net_values_s` have the same
    round's empty loop subtracted; `ratios` are, for each process, each round's net time over
    the baseline variant's net time in that round (paired: measured side by side): the
    verdict's data.
    """

    variant: str
    operation: str
    supported: bool
    reason: str
    loops: int
    values_s: list[float]
    processes: int
    net_values_s: list[float] = field(default_factory=list)
    ratios: list[list[float]] = field(default_factory=list)  # per process, per round
    unroll: int = 1  # times the statement was written in the timed loop's body
    runs: list[int] = field(default_factory=list)  # values from each process, in order
    control: bool = False  # the baseline's statement on copies of its classes: noise only
    readings: list[InstructionReading] = field(default_factory=list)  # distinct, in order

    @property
    def net_stats(self) -> Optional[TimingStats]:
        """Median and spread of the net values."""
        return TimingStats(self.net_values_s) if self.net_values_s else None

    @property
    def stats(self) -> Optional[TimingStats]:
        """Median and spread of the pooled values."""
        return TimingStats(self.values_s) if self.values_s else None


@dataclass
class InstanceMemory:
    """What one instance of a variant costs, measured over many instances."""

    variant: str
    stmt: str
    supported: bool
    reason: str
    instances: int = 0
    traced_bytes: int = 0
    allocation_sizes: list[list[int]] = field(default_factory=list)
    type_name: str = ""
    basicsize: int = 0
    item_bytes: int = 0
    getsizeof: int = 0
    gc_tracked: bool = False
    weakref_slot: bool = False
    dict_bytes: Optional[int] = None

    @property
    def bytes_per_instance(self) -> float:
        """Traced bytes over the number of instances."""
        return self.traced_bytes / self.instances if self.instances else 0.0

    @property
    def pre_header(self) -> int:
        """Bytes CPython puts before the object: GC links and, for plain classes, dict pointers."""
        return self.getsizeof - self.basicsize - self.item_bytes


@dataclass
class Benchmark:
    """A workload's declared cases, timed in fresh processes and sized under tracemalloc."""

    cases: list[CaseTiming]
    memory: list[InstanceMemory]
    gc_enabled: bool
    pymalloc_alignment: int = 0
    pymalloc_threshold: int = 0
    loop_s: dict[str, float] = field(default_factory=dict)  # the empty loop, per operation
    rounds: dict[str, int] = field(default_factory=dict)  # rounds per operation, all processes
    budget_s: float = 0.0  # seconds of rounds each process could spend
    spent_s: float = 0.0  # seconds the processes spent on rounds, in all
    confidence: float = 0.95  # each interval's level (family-wise 95% over all comparisons)
    min_rounds: int = 0  # rounds every process made before a comparison could leave


@dataclass
class RepeatPlan:
    """How many unprofiled runs a script got: fewer than asked where they did not fit in the
    budget (at least 3; one where a single run exceeds it)."""

    asked: int
    made: int
    budget_s: float
    first_s: float  # the first run's wall time, which decided it


@dataclass
class WrittenFile:
    """A file a run of the script wrote, in its own working folder."""

    path: str  # as the script named it, from its working folder
    bytes: int
    file: str  # where it is now, relative to the report folder


@dataclass
class ScriptOutput:
    """What the script printed in one run (its first clean unprofiled one): the start of each
    stream, bounded, with the whole files linked."""

    mode: str  # the run it comes from
    repeat: int
    stdout: str
    stdout_bytes: int  # the whole file's size: more than `stdout` holds when it was cut
    stderr: str
    stderr_bytes: int
    stdout_file: str = ""  # relative to the report folder
    stderr_file: str = ""
    written: list[WrittenFile] = field(default_factory=list)  # by the same run


@dataclass
class LintFinding:
    """One finding of flake8 or pylint: its code ("F401", "W0611"), its message, and where
    (an absolute path, a line counted from 1, a column from 0)."""

    tool: str
    code: str
    message: str
    file: str
    line: int
    column: int = 0
    symbol: str = ""  # pylint's name of the code: "unused-import"


@dataclass
class LintTool:
    """One linter as it ran on the script: its version, the configuration file it was given
    ("" for the tools' defaults), and what went wrong in one line ("" when it ran)."""

    name: str
    version: str = ""
    config: str = ""
    problem: str = ""


@dataclass
class LintFindings:
    """What flake8 and pylint found on the script (`run/lint.py`): each tool as it ran,
    every finding, pylint's score out of 10, and the script's SyntaxError where it does not
    parse (found by compiling it). The lint child writes it (`records.LintRecord`)."""

    tools: list[LintTool] = field(default_factory=list)
    findings: list[LintFinding] = field(default_factory=list)
    score: Optional[float] = None  # pylint's; None where pylint gave none
    syntax_error: str = ""  # "SyntaxError: invalid syntax"
    syntax_line: int = 0


@dataclass
class Lint(LintFindings):
    """The findings as the report keeps them, or why there are none."""

    error: str = ""  # the lint job itself did not finish: why
    reused_from: str = ""


@dataclass
class WorkloadResult:
    """Every run of one script."""

    name: str
    script: str
    args: list[str]
    runs: list[RunRecord]
    benchmark: Optional[Benchmark] = None
    # The text of the script's own files that have per-line figures: path -> source.
    sources: dict[str, str] = field(default_factory=dict)
    output: Optional[ScriptOutput] = None
    repeats: Optional[RepeatPlan] = None
    lint: Optional[Lint] = None  # None where lint was not asked for (--no-lint)

    @property
    def timing(self) -> Optional[TimingStats]:
        """Timing of the successful bare runs, or None when there is none."""
        samples = [r.wall_s for r in self.runs if r.mode == Mode.BARE and r.ok and r.wall_s]
        return TimingStats(samples) if samples else None

    @property
    def middle_run(self) -> Optional[RunRecord]:
        """The clean bare run with the median wall time (the lower middle one of an even
        number): a typical run, whose system figures the page and `reporter summary` give."""
        runs = sorted((r for r in self.runs
                       if r.mode == Mode.BARE and r.ok and r.wall_s is not None),
                      key=lambda r: r.wall_s or 0.0)
        return runs[(len(runs) - 1) // 2] if runs else None

    @property
    def insights_run(self) -> Optional[RunRecord]:
        """The first clean bare run that recorded the gc, pymalloc and objects."""
        return next((r for r in self.runs if r.mode == Mode.BARE and r.ok and r.insights), None)

    @property
    def insights(self) -> Optional[MemoryInsights]:
        """What that run saw."""
        return self.insights_run.insights if self.insights_run else None

    @property
    def decorated(self) -> list[DecoratedFunction]:
        """What the script's decorated functions accumulated in the run made for them."""
        run = next((r for r in self.runs if r.mode == Mode.DECORATED and r.decorated), None)
        return run.decorated if run else []

    @property
    def scenarios(self) -> list[RunRecord]:
        """The runs of the script's declared scenarios."""
        return [r for r in self.runs if r.mode == Mode.SCENARIO]

    @property
    def profiled(self) -> list[RunRecord]:
        """The runs made under a profiler."""
        return [r for r in self.runs if r.mode == Mode.PROFILED]

    def profiled_by(self, profiler: str) -> Optional[RunRecord]:
        """The run made under that profiler, if there is one."""
        return next((r for r in self.profiled if r.profiler == profiler), None)

    @property
    def failed(self) -> list[RunRecord]:
        """The runs that did not end with status ok."""
        return [r for r in self.runs if not r.ok]

    def overhead(self, run: RunRecord) -> Optional[float]:
        """A profiled run's wall time over the median bare wall time; none for a partial run,
        whose time is not its profiler's alone."""
        timing = self.timing
        if timing is None or run.wall_s is None or not timing.median or run.partial:
            return None
        return run.wall_s / timing.median


@dataclass
class Environment:
    """Where the run was made, so that two reports can be judged comparable."""

    python: str
    implementation: str
    platform: str
    executable: str
    created: str
    packages: dict[str, str]


@dataclass
class Run:
    """A whole report: every workload, how they ran, and where."""

    run_id: str
    environment: Environment
    workloads: list[WorkloadResult]
    complete: bool = True
    format_version: int = FORMAT_VERSION
    problems: list[str] = field(default_factory=list)
    generation: dict[str, float] = field(default_factory=dict)
    # Profilers loaded by spec (plug-ins), name -> `package.module:Class`, to load them again.
    profilers: dict[str, str] = field(default_factory=dict)

    @property
    def failed_runs(self) -> int:
        """How many child processes did not end with status ok."""
        return sum(len(w.failed) for w in self.workloads)
