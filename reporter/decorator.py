"""The homework's profiling decorator: one cProfile profile accumulated over every call.

    from reporter import profile_deco

    @profile_deco
    def work(n): ...

    for _ in range(10):
        work(1000)
    work.print_stat()            # pstats table over all ten calls
    work.dump_stat("work.prof")  # for snakeviz
    work.reset_stat()

A type checker sees what `@profile_deco` returns as a `ProfiledCallable`: the function's own
signature and return type, and the methods above (set on the wrapper at run time).

What is measured, and where cProfile alone would break:

- Only one profiler can be active in a thread (since Python 3.12, one cProfile in the whole
  process: it runs on `sys.monitoring`). The outermost call of a decorated function profiles;
  calls of decorated functions made inside it (recursion, or one decorated function calling
  another) are counted in that outer profile, and in their own call counters, but not
  profiled twice. A call made while some other profiler is running (cProfile, `profile`,
  pyinstrument, memray: see `reporter.harness.other_profiler`) is counted and not profiled,
  so the other tool keeps working. A trace function (coverage, a debugger) is no profiler:
  calls are profiled beside it.
- Threads: up to Python 3.11 each thread profiles into its own profile; `print_stat()` merges
  them. Since 3.12 cProfile sees every thread, so while one thread's call is profiled, calls in
  other threads are counted as inside it and their time lands in its profile. Calls still
  running in another thread when you print are left out of the table until they finish.
- Generator functions: every resume of the generator (`next`, `send`, `throw`) is profiled,
  not only the call that creates it; the call counter counts generators created. Coroutine
  functions: every step of the coroutine is profiled, so time spent awaiting other tasks is not
  charged to it. Async generator functions are refused with TypeError.
- `memory=True` also records, per outermost call, the net bytes it left allocated and its peak
  above the start, with tracemalloc (started for the call if it was not already tracing). With
  several threads these figures include what other threads allocated meanwhile.
- `lines=True` also records hits, time and memory per line of the function over its profiled
  calls, printed by `print_stat()` as memory_profiler and line_profiler print them (see
  `reporter.linetrace`). Like the profile, it is recorded only where the call is profiled: not
  in timing runs, and not under another profiler.
"""

from __future__ import annotations

import cProfile
import functools
import inspect
import io
import os
import pstats
import sys
import threading
import tracemalloc
import weakref
from collections.abc import Callable, Coroutine, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import (Any, Concatenate, Generic, Optional, ParamSpec, Protocol, TextIO, TypeVar,
                    Union, cast, overload)

from reporter.harness import COUNT_ONLY_ENV, PstatsKey, harness_keys, other_profiler
from reporter.linetrace import LineRecorder
from reporter.run import handoff

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
P2 = ParamSpec("P2")
T = TypeVar("T")
Y = TypeVar("Y")
S = TypeVar("S")
# pstats' table: key -> (primitive calls, calls, own s, cumulative s, {caller: its share}).
PstatsTable = dict[PstatsKey, tuple[int, int, float, float,
                                    dict[PstatsKey, tuple[int, int, float, float]]]]

# Every decorated function, so the reporter's child can save what they accumulated.
REGISTRY: "weakref.WeakSet[ProfiledFunction]" = weakref.WeakSet()


class _Active:
    """The profile of ours that is running, if any."""

    profile: Optional[cProfile.Profile] = None


class _ActiveInThread(threading.local, _Active):
    """Up to 3.11 cProfile hooks one thread, so each thread can run a profile of its own."""


# Since 3.12 cProfile hooks the whole interpreter through sys.monitoring: one at a time.
_ACTIVE: _Active = _ActiveInThread() if sys.version_info < (3, 12) else _Active()
# Timing runs of the reporter set this: there the decorator counts calls and profiles none.
_COUNT_ONLY = os.environ.get(COUNT_ONLY_ENV) == "1"
# Checking for a running profile and starting ours is one step, so that since 3.12 a call in
# another thread sees either no profile or ours, never our cProfile half-started.
_STARTING = threading.Lock()


@dataclass
class CallMemory:
    """Bytes of one outermost call: net allocated at its end, and its peak above its start."""

    net: int
    peak: int


@dataclass
class ThreadCounts:
    """One thread's calls of one decorated function: plain attributes, so counting a nested
    call costs no function call of its own (that would show in the profile it is counted in)."""

    calls: int = 0
    nested: int = 0
    unprofiled: int = 0


class ProfiledFunction:
    """The state and the methods a decorated function carries (`print_stat` and friends)."""

    def __init__(self, func: Callable[..., object], memory: bool, lines: bool = False) -> None:
        self.func = func
        self.memory = memory
        self.recorder: Optional[LineRecorder] = None
        if lines:
            code = getattr(inspect.unwrap(func), "__code__", None)
            if code is None:
                raise TypeError(f"profile_deco(lines=True) needs a Python function, "
                                f"not {func!r}")
            self.recorder = LineRecorder(code)
        self.lock = threading.Lock()
        self.profiles: list[cProfile.Profile] = []
        self.running: set[int] = set()  # ids of profiles enabled right now
        self.counts: list[ThreadCounts] = []
        self.memory_records: list[CallMemory] = []
        self.local = threading.local()
        REGISTRY.add(self)

    @property
    def name(self) -> str:
        """The decorated function's qualified name."""
        return getattr(self.func, "__qualname__", repr(self.func))

    @property
    def calls(self) -> int:
        """Every call made, profiled or not."""
        return sum(c.calls for c in self.counts)

    @property
    def nested_calls(self) -> int:
        """Calls counted inside an outer decorated call's profile."""
        return sum(c.nested for c in self.counts)

    @property
    def unprofiled_calls(self) -> int:
        """Calls made while another profiler was active: counted only."""
        return sum(c.unprofiled for c in self.counts)

    @property
    def memory_per_call(self) -> list[CallMemory]:
        """Memory of each outermost call, in order (memory mode only)."""
        return list(self.memory_records)

    def thread_counts(self) -> ThreadCounts:
        """This thread's counters, made on its first call."""
        counts = ThreadCounts()
        self.local.counts = counts
        with self.lock:
            self.counts.append(counts)
        return counts

    def resume(self, counts: ThreadCounts, run: Callable[P, T], *args: P.args,
               **kwargs: P.kwargs) -> T:
        """Run `run` (a call, or one step of a generator or coroutine), profiled if outermost."""
        profile = self._start(counts)
        if profile is None:
            return run(*args, **kwargs)
        tracing = _MemoryWatch(self) if self.memory else None
        with self.lock:
            self.running.add(id(profile))
        try:
            if self.recorder is not None:
                self.recorder.high_water = 0
                return self.recorder.trace(run, *args, **kwargs)
            return run(*args, **kwargs)
        finally:
            handoff.disable_aside(profile)
            with self.lock:
                self.running.discard(id(profile))
            _ACTIVE.profile = None
            if tracing:
                # The line recorder resets tracemalloc's peak at every line and keeps the
                # highest point itself.
                tracing.done(self.recorder.high_water if self.recorder else 0)

    def _start(self, counts: ThreadCounts) -> Optional[cProfile.Profile]:
        """This thread's profile, enabled and marked active; None if the call only counts."""
        if _ACTIVE.profile is not None:  # ours, in this thread (or, since 3.12, in another)
            counts.nested += 1
            return None
        if _COUNT_ONLY:  # a timing run: count only, and cheaply
            counts.unprofiled += 1
            return None
        with _STARTING:  # ours is started and marked active in one step, so this sees both
            if _ACTIVE.profile is not None:
                counts.nested += 1
                return None
            if other_profiler() is not None:
                counts.unprofiled += 1
                return None
            profile = self._thread_profile()
            try:
                handoff.enable_aside(profile)
            except ValueError:  # 3.12+: a cProfile we could not see is running
                counts.unprofiled += 1
                return None
            _ACTIVE.profile = profile
            return profile

    def _thread_profile(self) -> cProfile.Profile:
        profile = getattr(self.local, "profile", None)
        if profile is None:
            profile = self.local.profile = cProfile.Profile()
            with self.lock:
                self.profiles.append(profile)
        return profile

    def stats(self) -> Optional[pstats.Stats]:
        """Every thread's finished calls merged into one pstats.Stats without the decorator's
        own frames; None before any."""
        with self.lock:
            idle = [p for p in self.profiles if id(p) not in self.running]
        merged: Optional[pstats.Stats] = None
        for profile in idle:
            profile.create_stats()
            if not profile.stats:
                continue
            if merged is None:
                merged = pstats.Stats(profile)
            else:
                merged.add(profile)
        return None if merged is None else without_harness(merged)

    def print_stat(self, sort: Union[str, tuple[str, ...]] = "cumulative", lines: int = 20,
                   stream: Optional[TextIO] = None) -> None:
        """Print the calls made and the accumulated pstats table, `lines` rows sorted by `sort`."""
        out = stream or sys.stdout
        print(self.summary(), file=out)
        stats = self.stats()
        if stats is not None:
            stats.stream = out  # type: ignore[attr-defined]
            keys = (sort,) if isinstance(sort, str) else sort
            stats.sort_stats(*keys).print_stats(lines)
        if self.memory:
            print(self.memory_summary(), file=out)
        if self.recorder is not None:
            print("\nlines=True traces every line of the function: the profile's times above "
                  "include the tracer's own cost, and so do the times per line below.", file=out)
            self.recorder.table(out)

    def summary(self) -> str:
        """One line: how many calls, and how many were profiled in another call or not at all."""
        calls, nested, unprofiled = self.calls, self.nested_calls, self.unprofiled_calls
        notes = []
        if nested:
            notes.append(f"{nested} inside an outer profiled call, counted there")
        if unprofiled:
            notes.append(f"{unprofiled} not profiled: another profiler was active"
                         + (" or this is a timing run" if _COUNT_ONLY else ""))
        return (f"{self.name}: {calls} call{'s' if calls != 1 else ''}"
                + (f" ({'; '.join(notes)})" if notes else ""))

    def memory_summary(self) -> str:
        """Net and peak bytes per outermost call: count, mean, max."""
        records = self.memory_records
        if not records:
            return "memory: no profiled call yet"
        nets = [r.net for r in records]
        peaks = [r.peak for r in records]
        return (f"memory over {len(records)} profiled calls: net allocated mean "
                f"{sum(nets) / len(nets):,.0f} B (max {max(nets):,} B), peak above start mean "
                f"{sum(peaks) / len(peaks):,.0f} B (max {max(peaks):,} B)")

    def table(self, sort: str = "cumulative", lines: int = 20) -> str:
        """`print_stat`'s output as a string."""
        buffer = io.StringIO()
        self.print_stat(sort=sort, lines=lines, stream=buffer)
        return buffer.getvalue()

    def reset_stat(self) -> None:
        """Forget every call and profile so far (calls running now keep their own profile)."""
        with self.lock:
            self.profiles = [p for p in self.profiles if id(p) in self.running]
            self.counts = []
            self.memory_records = []
            if self.recorder is not None:
                self.recorder.stats = {}
        self.local = threading.local()

    def dump_stat(self, path: Union[str, Path]) -> None:
        """Write the merged profile as a `.prof` file that pstats and snakeviz open.

        ValueError before any profiled call: pstats cannot read an empty profile.
        """
        stats = self.stats()
        if stats is None:
            raise ValueError(f"{self.name}: no profiled call yet, nothing to dump")
        stats.dump_stats(str(path))


class _MemoryWatch:
    """tracemalloc around one outermost call: started for it if nothing was tracing."""

    def __init__(self, owner: ProfiledFunction) -> None:
        self.owner = owner
        self.started = not tracemalloc.is_tracing()
        if self.started:
            tracemalloc.start()
        tracemalloc.reset_peak()
        self.before = tracemalloc.get_traced_memory()[0]

    def done(self, high_water: int = 0) -> None:
        """Record the call's net and peak bytes; stop tracing if this call started it."""
        current, peak = tracemalloc.get_traced_memory()
        peak = max(peak, high_water)
        with self.owner.lock:
            self.owner.memory_records.append(CallMemory(current - self.before,
                                                        peak - self.before))
        if self.started:
            tracemalloc.stop()


def without_harness(stats: pstats.Stats) -> pstats.Stats:
    """The same statistics with the decorator's own frames (and what only they call) removed."""
    table: PstatsTable = stats.stats  # type: ignore[attr-defined]
    ours = harness_keys(table)
    stats.stats = {  # type: ignore[attr-defined]
        key: (cc, nc, tt, ct, {c: edge for c, edge in callers.items() if c not in ours})
        for key, (cc, nc, tt, ct, callers) in table.items() if key not in ours
    }
    stats.total_calls = stats.prim_calls = 0  # type: ignore[attr-defined]
    stats.total_tt = 0.0  # type: ignore[attr-defined]
    stats.top_level = set()  # type: ignore[attr-defined]
    stats.fcn_list = None  # type: ignore[attr-defined]
    stats.get_top_level_stats()
    return stats


class ProfiledStats(Protocol):
    """What a decorated function carries beside its call, also when bound as a method: the
    methods of its `ProfiledFunction`, and that object itself as `profiled`."""

    @property
    def profiled(self) -> ProfiledFunction:
        """The accumulated state: calls, nested and unprofiled calls, memory per call."""

    def print_stat(self, sort: Union[str, tuple[str, ...]] = "cumulative", lines: int = 20,
                   stream: Optional[TextIO] = None) -> None:
        """Print the calls made and the accumulated pstats table."""

    def dump_stat(self, path: Union[str, Path]) -> None:
        """Write the merged profile as a `.prof` file that pstats and snakeviz open."""

    def reset_stat(self) -> None:
        """Forget every call and profile so far."""

    def stats(self) -> Optional[pstats.Stats]:
        """Every thread's finished calls merged; None before any."""

    def table(self, sort: str = "cumulative", lines: int = 20) -> str:
        """`print_stat`'s output as a string."""

    def summary(self) -> str:
        """One line: how many calls, and how many were profiled in another call or not at all."""

    def memory_summary(self) -> str:
        """Net and peak bytes per outermost call: count, mean, max."""


class ProfiledMethod(ProfiledStats, Protocol[P, R_co]):
    """A decorated method, bound to its instance: called without `self`."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co:
        """Call the method, profiled if outermost."""


class ProfiledCallable(ProfiledStats, Protocol[P, R_co]):
    """What `@profile_deco` returns: the function, with its signature and return type, and
    `print_stat`, `dump_stat` and the rest (set on the wrapper at run time, so a type checker
    and an editor know them only from here). On a class it binds like a function."""

    @property
    def __wrapped__(self) -> Callable[P, R_co]:
        """The undecorated function."""

    __name__: str
    __qualname__: str

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co:
        """Call the function, profiled if outermost."""

    @overload
    def __get__(self, instance: None, owner: Optional[type] = None,
                /) -> ProfiledCallable[P, R_co]: ...

    @overload
    def __get__(self: ProfiledCallable[Concatenate[T, P2], R], instance: T,
                owner: Optional[type] = None, /) -> ProfiledMethod[P2, R]: ...

    def __get__(self, instance: object, owner: Optional[type] = None,
                /) -> Union[ProfiledCallable[Any, Any], ProfiledMethod[Any, Any]]:
        """On the class, the function itself; on an instance, the bound method."""


# The wrapper's attributes, set by `profile_deco`, that `ProfiledStats` declares.
_METHODS = ("print_stat", "reset_stat", "dump_stat", "stats", "table", "summary",
            "memory_summary")


@overload
def profile_deco(func: Callable[P, R], *, memory: bool = False,
                 lines: bool = False) -> ProfiledCallable[P, R]: ...


@overload
def profile_deco(*, memory: bool = False,
                 lines: bool = False) -> Callable[[Callable[P, R]], ProfiledCallable[P, R]]: ...


def profile_deco(func: Optional[Callable[P, R]] = None, *, memory: bool = False,
                 lines: bool = False) -> Union[ProfiledCallable[P, R],
                                               Callable[[Callable[P, R]],
                                                        ProfiledCallable[P, R]]]:
    """Profile every call of a function with cProfile; `func.print_stat()` shows the total.

    Use as `@profile_deco`, `@profile_deco(memory=True)` or `@profile_deco(lines=True)`
    (a table per line, as memory_profiler prints it). The wrapper returns what the
    function returns and raises what it raises (a raising call is still profiled), and keeps
    its name, docstring and `__wrapped__`. See the module docstring for what is measured.
    """
    if func is None:
        def decorate(function: Callable[P, R]) -> ProfiledCallable[P, R]:
            return profile_deco(function, memory=memory, lines=lines)
        return decorate
    if inspect.isasyncgenfunction(func):
        raise TypeError(f"profile_deco cannot profile the async generator function "
                        f"{func.__qualname__}")
    state = ProfiledFunction(func, memory, lines)
    # Checking the kind of function narrows its return type away: R is still what it returns.
    wrapper: Callable[P, object]
    if inspect.isgeneratorfunction(func):
        wrapper = _generator_wrapper(func, state)
    elif inspect.iscoroutinefunction(func):
        wrapper = _coroutine_wrapper(func, state)
    else:
        wrapper = _function_wrapper(func, state)
    for method in _METHODS:
        setattr(wrapper, method, getattr(state, method))
    setattr(wrapper, "profiled", state)
    # The attributes just set are what ProfiledCallable adds to the wrapper's own type.
    return cast("ProfiledCallable[P, R]", wrapper)


def _function_wrapper(func: Callable[P, R], state: ProfiledFunction) -> Callable[P, R]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        # Inline, so a nested call adds one frame to the outer profile, not three.
        counts: ThreadCounts = getattr(state.local, "counts", None) or state.thread_counts()
        counts.calls += 1
        if _COUNT_ONLY:
            counts.unprofiled += 1
            return func(*args, **kwargs)
        if _ACTIVE.profile is not None:
            counts.nested += 1
            return func(*args, **kwargs)
        return state.resume(counts, func, *args, **kwargs)
    return wrapper


def _generator_wrapper(func: Callable[P, Generator[Y, S, T]],
                       state: ProfiledFunction) -> Callable[P, Generator[Y, S, T]]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Generator[Y, S, T]:
        counts: ThreadCounts = getattr(state.local, "counts", None) or state.thread_counts()
        counts.calls += 1
        if _COUNT_ONLY:  # a timing or profiled run: no step of ours between the resumes
            counts.unprofiled += 1
            return (yield from func(*args, **kwargs))
        return (yield from _drive(state, func(*args, **kwargs)))
    return wrapper


def _coroutine_wrapper(func: Callable[P, Coroutine[Any, Any, T]],
                       state: ProfiledFunction) -> Callable[P, Coroutine[Any, Any, T]]:
    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        counts: ThreadCounts = getattr(state.local, "counts", None) or state.thread_counts()
        counts.calls += 1
        if _COUNT_ONLY:
            counts.unprofiled += 1
            return await func(*args, **kwargs)
        return await _Steps(state, func(*args, **kwargs))
    return wrapper


class _Steps(Generic[T]):
    """An awaitable that runs a coroutine one profiled step at a time."""

    def __init__(self, state: ProfiledFunction, coroutine: Coroutine[Any, Any, T]) -> None:
        self.state = state
        self.coroutine = coroutine

    def __await__(self) -> Generator[Any, None, T]:
        return (yield from _drive(self.state, self.coroutine.__await__()))


def _drive(state: ProfiledFunction, inner: Generator[Y, S, T]) -> Generator[Y, S, T]:
    """`yield from inner`, with each resume of `inner` profiled (PEP 380's expansion).

    A resume may happen in another thread than the call (a generator handed over), so the
    counters are looked up at each resume.
    """
    def counts() -> ThreadCounts:
        found: ThreadCounts = getattr(state.local, "counts", None) or state.thread_counts()
        return found

    sent: Any = None  # None to start, as `next` sends; then what the caller sent
    thrown: Optional[BaseException] = None
    while True:
        try:
            if thrown is not None:
                error, thrown = thrown, None
                value = state.resume(counts(), inner.throw, error)
            else:
                value = state.resume(counts(), inner.send, sent)
        except StopIteration as stop:
            result: T = stop.value  # what a Generator[Y, S, T] returns
            return result
        try:
            sent = yield value
        except GeneratorExit:
            inner.close()
            raise
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            thrown, sent = exc, None
