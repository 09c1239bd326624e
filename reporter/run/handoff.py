"""The script's own profilers and tracers, met while ours run: recorded, and ours step aside.

Homework scripts start cProfile inside their decorators, trace lines with memory_profiler and
take tracemalloc snapshots. A hook holds one function at a time, so the script's tool and ours
can displace each other:

- up to 3.11, cProfile, pyinstrument, memray and `sys.setprofile` share the thread's profile
  hook: whoever sets it last holds it, and `Profile.disable()` empties it (even for a profile
  that was never enabled);
- since 3.12, cProfile holds the `sys.monitoring` profiler tool, and a second one raises
  `ValueError: Another profiling tool is already active`; pyinstrument and memray stay on the
  profile hook, which the script's `sys.setprofile` still takes;
- the trace hook (`sys.settrace`: memory_profiler, coverage), tracemalloc and other
  `sys.monitoring` tools displace nothing of ours, but their cost is inside every figure taken
  while they run.

The guard replaces the functions a script calls to start and stop these tools with ones that
call the real function, so the script's tool works as it does alone, and that record when, where
and for how long it ran. Where the script's tool takes a hook that one of ours holds, ours is
told (`Ours.lost`) and put back the moment the script lets go (`Ours.regained`). Since 3.12 our
cProfile runs on a spare `sys.monitoring` tool, so the script's cProfile never meets it.
"""

from __future__ import annotations

import _lsprof
import contextlib
import os
import sys
import threading
import time
import tracemalloc
import weakref
from collections.abc import Callable, Iterator
from types import CodeType, FrameType
from typing import Any, Optional, Protocol, Union

from reporter.harness import describe_hook, is_harness, is_users
from reporter.results import OwnTool

# cProfile sits on the thread's profile hook up to 3.11, on sys.monitoring since.
LEGACY_CPROFILE = sys.version_info < (3, 12)
RealProfiler = _lsprof.Profiler  # the real one, kept before the guard patches `_lsprof`
_REAL_ENABLE = _lsprof.Profiler.enable
_REAL_DISABLE = _lsprof.Profiler.disable
_REAL_CLEAR = _lsprof.Profiler.clear
# Frames of the tools themselves: where a tool was started is the first frame outside them.
_TOOL_FILES = ("cProfile.py", "profile.py", "pstats.py", "functools.py", "contextlib.py",
               "threading.py", "timeit.py")


class CodeKey:
    """A code object as a key by identity (a C function's name by its text): two dataclasses'
    `__init__` compile from the same text to equal code objects, which a dict would merge."""

    __slots__ = ("code",)

    def __init__(self, code: Union[CodeType, str]) -> None:
        self.code = code

    def __hash__(self) -> int:
        return hash(self.code) if isinstance(self.code, str) else id(self.code)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CodeKey):
            return NotImplemented
        if isinstance(self.code, str):
            return self.code == other.code
        return self.code is other.code


# Raw stats: code -> [calls, recursive calls, own s, cumulative s, {callee code: [calls,
# recursive calls, own s, cumulative s]}], as `getstats()` gives them.
RawStats = dict[CodeKey, list[Any]]
is_users(__file__)  # its caches warmed on import, before any capture, not in the first hand-off


class Ours(Protocol):
    """A capture of ours that sits on the main thread's profile hook."""

    def lost(self, frame: Optional[FrameType], tool: str) -> bool:
        """The script's `tool` took the hook, in `frame`: ours no longer sees anything
        (True), or it keeps going (False: the hook is not the one ours needs)."""

    def regained(self, frame: Optional[FrameType], recovered: list[RawStats], name: str) -> None:
        """The script let go, in `frame`: put ours back. `recovered` holds what the script's
        own cProfile measured meanwhile (empty if it was another tool); `name` names it."""


class Guard:
    """Records the script's tools and hands the profile hook between them and ours."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.ours: Optional[Ours] = _OURS
        self.uses: dict[tuple[str, str, str, int], OwnTool] = {}
        self.open: dict[Any, tuple[OwnTool, float]] = {}  # token -> its use, when it started
        self.holder: Any = None  # the token holding the profile hook that ours lost
        self.holder_profile: Any = None  # that token's cProfile, if it is one
        self.lost_at = 0.0
        self.recovered: list[RawStats] = []
        self.enabled: weakref.WeakSet[Any] = weakref.WeakSet()  # the script's enabled profiles
        self.last: weakref.WeakKeyDictionary[Any, RawStats] = weakref.WeakKeyDictionary()
        self.custom_timer: weakref.WeakSet[Any] = weakref.WeakSet()
        self.thread = threading.get_ident()
        self.before: dict[str, Any] = {}  # hooks set before the script (coverage's)
        self.patched: list[tuple[Any, str, Any]] = []

    # What the script's tools call.

    def start(self, token: Any, tool: str, name: str, frame: Optional[FrameType],
              takes_profile_hook: bool = False, profile: Any = None) -> None:
        """The script started a tool (again: a started one is left as it is)."""
        now = time.perf_counter()
        if token not in self.open:
            file, line = where(frame)
            key = (tool, name, file, line)
            use = self.uses.get(key)
            if use is None:
                use = self.uses[key] = OwnTool(tool, name, file, line, first_s=now - self.started)
            use.windows += 1
            self.open[token] = (use, now)
        if takes_profile_hook and self.ours is not None and self.on_main_thread():
            if self.holder is None and self.ours.lost(frame, tool):
                self.lost_at = now
                self.holder, self.holder_profile = token, profile
            elif self.holder is not None:  # it displaces the script's own tool, as alone
                self.holder, self.holder_profile = token, profile

    def stop(self, token: Any, frame: Optional[FrameType], hook_empty: bool = False) -> None:
        """The script stopped a tool; if it left the profile hook empty, ours goes back."""
        now = time.perf_counter()
        opened = self.open.pop(token, None)
        if opened is not None:
            use, since = opened
            use.active_s += now - since
        if hook_empty and self.holder is not None and self.on_main_thread():
            self._give_back(frame, self.open.get(self.holder, opened or (None, 0.0))[0])

    def _give_back(self, frame: Optional[FrameType], holder: Optional[OwnTool]) -> None:
        """Ours takes the profile hook again; the time it had lost goes to the holder's use."""
        now = time.perf_counter()
        self.holder = None
        recovered, self.recovered = self.recovered, []
        if holder is not None:
            holder.displaced_s += now - self.lost_at
            if recovered:
                holder.recovered_s += now - self.lost_at
        assert self.ours is not None
        self.ours.regained(frame, recovered, holder.name if holder else "a tool of the script's")

    def on_main_thread(self) -> bool:
        """Whether the caller runs where ours profiles: the thread that made the guard."""
        return threading.get_ident() == self.thread

    # Set-up.

    def install(self) -> None:
        """Put the recording functions in place of the real ones."""
        self.before = {"trace": sys.gettrace(), "thread_trace": threading.gettrace(),
                       "thread_profile": threading.getprofile()}
        self._patch_cprofile()
        self._patch(sys, "setprofile", self._setprofile(sys.setprofile, "sys.setprofile"))
        self._patch(sys, "settrace", self._settrace(sys.settrace, "sys.settrace"))
        self._patch(threading, "setprofile",
                    self._hook_setter(threading.setprofile, "threading.setprofile"))
        self._patch(threading, "settrace",
                    self._hook_setter(threading.settrace, "threading.settrace"))
        for name in ("setprofile_all_threads", "settrace_all_threads"):  # 3.12+
            if hasattr(threading, name):
                self._patch(threading, name, self._hook_setter(
                    getattr(threading, name), f"threading.{name}",
                    takes_profile_hook=name.startswith("setprofile")))
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is not None:
            self._patch(monitoring, "use_tool_id", self._use_tool_id(monitoring.use_tool_id))
            self._patch(monitoring, "free_tool_id", self._free_tool_id(monitoring.free_tool_id))
        self._patch(tracemalloc, "start", self._tracemalloc(tracemalloc.start, True))
        self._patch(tracemalloc, "stop", self._tracemalloc(tracemalloc.stop, False))

    def uninstall(self) -> None:
        """Put the real functions back and close what is still running; a hook the script
        still holds is taken back (the script has ended), with what its profile measured."""
        for owner, name, real in reversed(self.patched):
            setattr(owner, name, real)
        self.patched.clear()
        if self.holder is not None:
            holder = self.open.get(self.holder, (None, 0.0))[0]
            if self.holder_profile is not None and self.merges(self.holder_profile):
                self.recovered.append(self.delta(self.holder_profile))
            self._give_back(sys._getframe(1), holder)  # pylint: disable=protected-access
        now = time.perf_counter()
        for use, since in self.open.values():
            use.active_s += now - since
        self.open.clear()

    def report(self) -> list[OwnTool]:
        """Every use, for the child's metrics, in the order they began."""
        return sorted(self.uses.values(), key=lambda u: u.first_s)

    def _patch(self, owner: Any, name: str, replacement: Any) -> None:
        self.patched.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    def _patch_cprofile(self) -> None:
        """cProfile.Profile's methods, and `_lsprof.Profiler` for a script that uses it."""
        import cProfile  # pylint: disable=import-outside-toplevel  # the script's, patched here
        guard = self

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            RealProfiler.__init__(self, *args, **kwargs)
            if (args[0] if args else kwargs.get("timer")) is not None:
                guard.custom_timer.add(self)

        def enable(self: Any, *args: Any, **kwargs: Any) -> None:
            frame = sys._getframe(1)  # pylint: disable=protected-access
            guard.start(id(self), "cProfile", "cProfile", frame,
                        takes_profile_hook=LEGACY_CPROFILE, profile=self)
            _REAL_ENABLE(self, *args, **kwargs)
            guard.enabled.add(self)

        def disable(self: Any) -> None:
            if LEGACY_CPROFILE and self not in guard.enabled:
                return None  # it would empty the hook, ours included, to no end of its own
            _REAL_DISABLE(self)
            guard.enabled.discard(self)
            if guard.merges(self):
                guard.recovered.append(guard.delta(self))
            guard.stop(id(self), sys._getframe(1),  # pylint: disable=protected-access
                       hook_empty=LEGACY_CPROFILE)
            return None

        def clear(self: Any) -> None:
            guard.last.pop(self, None)
            _REAL_CLEAR(self)

        methods = {"__init__": __init__, "enable": enable, "disable": disable, "clear": clear}
        for name, method in methods.items():
            self._patch(cProfile.Profile, name, method)
        script_profiler = type("Profiler", (RealProfiler,), {
            "__module__": "_lsprof", "__doc__": RealProfiler.__doc__, **methods})
        self._patch(_lsprof, "Profiler", script_profiler)

    def merges(self, profile: Any) -> bool:
        """Whether what `profile` (the script's) measures can be merged into ours: ours is a
        cProfile it displaced (up to 3.11), and it keeps time with cProfile's own clock."""
        return (LEGACY_CPROFILE and self.holder is not None and profile not in self.custom_timer
                and getattr(self.ours, "merges_profiles", False))

    def delta(self, profile: Any) -> RawStats:
        """What `profile` measured since it was last read here."""
        now = raw_stats(profile.getstats())
        before = self.last.get(profile, {})
        self.last[profile] = now
        return subtract(now, before) if before else now

    def _setprofile(self, real: Callable[[Any], None], tool: str) -> Callable[[Any], None]:
        guard = self

        def setprofile(function: Any) -> None:
            frame = sys._getframe(1)  # pylint: disable=protected-access
            if by_us(frame):
                real(function)
                return
            if function is None:
                if guard.holder is None and guard.ours is not None and guard.on_main_thread():
                    return  # nothing of the script's to stop: ours stays
                real(None)
                guard.stop(tool, frame, hook_empty=True)
                return
            guard.start(tool, tool, describe_hook(function), frame, takes_profile_hook=True)
            ours = sys._getframe()  # pylint: disable=protected-access

            def until_back(event_frame: FrameType, event: str, _arg: Any) -> None:
                # The script's function starts where it would alone: after this frame of
                # ours has returned, whose return it must not see (the profile module
                # asserts on a return it did not see called).
                if event == "return" and event_frame is ours:
                    real(function)

            real(until_back)

        return setprofile

    def _settrace(self, real: Callable[[Any], None], tool: str) -> Callable[[Any], None]:
        guard = self

        def settrace(function: Any) -> None:
            frame = sys._getframe(1)  # pylint: disable=protected-access
            if by_us(frame):
                pass
            elif function is not None and function is not guard.before.get("thread_trace"):
                guard.start(tool, tool, describe_hook(function), frame)
            elif function is None:
                guard.stop(tool, frame)
            real(function)

        return settrace

    def _hook_setter(self, real: Callable[[Any], None], tool: str,
                     takes_profile_hook: bool = False) -> Callable[[Any], None]:
        guard = self

        def set_hook(function: Any) -> None:
            frame = sys._getframe(1)  # pylint: disable=protected-access
            real(function)
            if by_us(frame):
                return
            if function is None:
                guard.stop(tool, frame, hook_empty=takes_profile_hook)
            elif function not in guard.before.values():
                guard.start(tool, tool, describe_hook(function), frame,
                            takes_profile_hook=takes_profile_hook)

        return set_hook

    def _use_tool_id(self, real: Callable[[int, str], None]) -> Callable[[int, str], None]:
        guard = self

        def use_tool_id(tool_id: int, name: str) -> None:
            real(tool_id, name)
            frame = sys._getframe(1)  # pylint: disable=protected-access
            if not by_us(frame):  # cProfile's, enabled through ours, is recorded there
                guard.start(("sys.monitoring", tool_id), "sys.monitoring", name, frame)

        return use_tool_id

    def _free_tool_id(self, real: Callable[[int], None]) -> Callable[[int], None]:
        guard = self

        def free_tool_id(tool_id: int) -> None:
            real(tool_id)
            guard.stop(("sys.monitoring", tool_id),
                       sys._getframe(1))  # pylint: disable=protected-access

        return free_tool_id

    def _tracemalloc(self, real: Callable[..., None], starts: bool) -> Callable[..., None]:
        guard = self

        def switch(*args: Any) -> None:
            frame = sys._getframe(1)  # pylint: disable=protected-access
            if by_us(frame):
                pass
            elif starts and not tracemalloc.is_tracing():
                guard.start("tracemalloc", "tracemalloc", "tracemalloc", frame)
            elif not starts:
                guard.stop("tracemalloc", frame)
            real(*args)

        return switch


_OURS: Optional[Ours] = None


@contextlib.contextmanager
def guarded() -> Iterator[Guard]:
    """The guard installed while the block runs: inside our capture, around the script, so
    that our own profiler's start and stop are not the script's."""
    guard = Guard()
    guard.install()
    try:
        yield guard
    finally:
        guard.uninstall()


@contextlib.contextmanager
def sitting(ours: Ours) -> Iterator[None]:
    """While the block runs, `ours` sits on the main thread's profile hook: a guard made
    inside hands the hook back to it."""
    global _OURS  # pylint: disable=global-statement  # one capture per child process
    _OURS = ours
    try:
        yield
    finally:
        _OURS = None


def by_us(frame: FrameType) -> bool:
    """Whether a hook is set by our own code (the profiling decorator's tracer and memory
    watch, our captures), which is not the script's tool."""
    return is_harness(frame.f_code.co_filename)


def where(frame: Optional[FrameType]) -> tuple[str, int]:
    """The script's line that started a tool: the first frame out of the tools' own code
    that is the script's, else the first one outside the tools."""
    fallback: Optional[FrameType] = None
    while frame is not None:
        file = frame.f_code.co_filename
        if not is_harness(file) and os.path.basename(file) not in _TOOL_FILES:
            if is_users(file):
                return file, frame.f_lineno
            fallback = fallback or frame
        frame = frame.f_back
    if fallback is not None:
        return fallback.f_code.co_filename, fallback.f_lineno
    return "", 0


def raw_stats(entries: Any) -> RawStats:
    """`getstats()` entries as plain numbers, keyed by their code."""
    return {CodeKey(e.code): [e.callcount, e.reccallcount, e.inlinetime, e.totaltime,
                              {CodeKey(s.code): [s.callcount, s.reccallcount, s.inlinetime,
                                                 s.totaltime] for s in e.calls or ()}]
            for e in entries}


def subtract(now: RawStats, before: RawStats) -> RawStats:
    """What was measured between two readings of one profile."""
    found: RawStats = {}
    for code, (calls, recursive, own, total, callees) in now.items():
        old = before.get(code)
        if old is None:
            found[code] = [calls, recursive, own, total, dict(callees)]
            continue
        if calls == old[0]:
            continue
        found[code] = [calls - old[0], recursive - old[1], own - old[2], total - old[3],
                       {c: [a - b for a, b in zip(v, old[4].get(c, [0, 0, 0.0, 0.0]))]
                        for c, v in callees.items() if v[0] != old[4].get(c, [0])[0]}]
    return found


def enable_aside(profile: Any) -> None:
    """Enable one of our cProfiles where the script's own cannot meet it: since 3.12 on a
    spare `sys.monitoring` tool (the script's cProfile takes the profiler's tool, which stays
    free); up to 3.11 as usual, on the profile hook that the guard hands back and forth."""
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is None:
        _REAL_ENABLE(profile)
        return
    spare = next((t for t in _SPARE_TOOLS if monitoring.get_tool(t) is None), None)
    if spare is None:  # both spare tools taken: the profiler's own, as cProfile does
        _REAL_ENABLE(profile)
        return
    real = _remap(monitoring, spare)
    try:
        _REAL_ENABLE(profile)
    finally:
        _restore(monitoring, real)
    _ASIDE[id(profile)] = spare


def disable_aside(profile: Any) -> None:
    """Disable a cProfile that `enable_aside` enabled."""
    spare = _ASIDE.pop(id(profile), None)
    if spare is None:
        _REAL_DISABLE(profile)
        return
    monitoring = getattr(sys, "monitoring")
    real = _remap(monitoring, spare)
    try:
        _REAL_DISABLE(profile)
    finally:
        _restore(monitoring, real)


_SPARE_TOOLS = (4, 3)  # sys.monitoring's ids that no tool of the standard library claims
_ASIDE: dict[int, int] = {}  # id of an enabled profile of ours -> the spare tool it holds


_MONITORING_CALLS = ("use_tool_id", "free_tool_id", "register_callback", "set_events")


def _remap(monitoring: Any, spare: int) -> dict[str, Any]:
    """cProfile's calls to sys.monitoring, for the profiler's tool, go to `spare` until
    `_restore`; the real functions are returned. Plain functions of ours, not a context
    manager: a frame of contextlib's would run after the enable, inside the profile."""
    real = {name: getattr(monitoring, name) for name in _MONITORING_CALLS}

    def remap(function: Callable[..., Any]) -> Callable[..., Any]:
        return lambda tool, *args: function(spare if tool == monitoring.PROFILER_ID else tool,
                                            *args)

    for name, function in real.items():
        setattr(monitoring, name, remap(function))
    return real


def _restore(monitoring: Any, real: dict[str, Any]) -> None:
    for name, function in real.items():
        setattr(monitoring, name, function)
