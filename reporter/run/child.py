"""What runs inside each child process: one script, under at most one profiler.

The script runs as `python script.py args` would run it: as `__main__`, with that `sys.argv`
and its folder first on `sys.path`. Whatever happens to it, the profile is saved and a small
metrics file says how it ended; if the process dies before that, the runner says so instead.

    python -m reporter.run.child --mode MODE [--profiler NAME] --artifact PATH --metrics PATH \
        -- SCRIPT [ARGS...]
"""

from __future__ import annotations

import argparse
import atexit
import ctypes
import os
import pkgutil  # noqa: F401  # pylint: disable=unused-import  # imported by runpy.run_path:
# here, outside the capture, so that its import is not profiled as part of the script
import runpy
import signal
import sys
import time
import traceback
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Optional

from reporter.harness import COUNT_ONLY_ENV
from reporter.profilers.base import resolve
from reporter.run import handoff, procfs
from reporter.results.schema import DecoratedLine
from reporter.run.probes import MemoryProbe, limit_memory
from reporter.run.records import (RECORDS_VERSION, ChildMetrics, DecoratedRecord,
                                  RaisedException)
from reporter.vocabulary import Mode


class Terminated(BaseException):
    """SIGTERM from the runner (a timeout): unwinds the script so its profile is still saved."""


def _terminate(signum: int, _frame: Any) -> None:
    raise Terminated(f"stopped by {signal.Signals(signum).name}")


def main(argv: Optional[list[str]] = None) -> int:
    """Run the script, save the profile and the metrics, and exit as the script did."""
    args = _parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
    # A process the script forks (a multiprocessing pool's worker) is not ours to unwind: it
    # gets the default SIGTERM back, or a pool's terminate() would hang on our exception.
    os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGTERM, signal.SIG_DFL))
    mode = Mode(args.mode)
    metrics = ChildMetrics(version=RECORDS_VERSION, mode=mode, pid=os.getpid())
    adopt_orphans()
    capture: AbstractContextManager[None] = (
        resolve(args.profiler).capture(Path(args.artifact)) if args.profiler else nullcontext())
    probe = MemoryProbe() if mode in (Mode.BARE, Mode.SCENARIO) else None
    if mode != Mode.DECORATED:
        os.environ[COUNT_ONLY_ENV] = "1"  # the decorator must not cost a timed or profiled run
    prefix = str(args.metrics).removesuffix(".metrics.json")
    script = enter(args)
    exit_code, saved = 0, False
    metrics.memory_limit = limit_memory(args.memory_limit)
    if probe:
        probe.start()
    # The script's own profilers and tracers are recorded in every run but the timing ones,
    # and ours steps aside for them; inside the capture, so that ours is not one of them.
    guard = handoff.guarded() if mode not in (Mode.BARE, Mode.SCENARIO) else nullcontext(None)
    try:
        with capture, guard as guarding:
            # The clock runs inside the capture: the profiler's set-up and the saving of its
            # capture are left out, its cost while the script runs is in.
            started = time.perf_counter()
            metrics.started_at = time.time()  # the script's window in the runner's series
            try:
                namespace = (runpy.run_module(args.script, run_name="__main__", alter_sys=True)
                             if args.module else runpy.run_path(script, run_name="__main__"))
            finally:
                metrics.wall_s = time.perf_counter() - started
                record_own_tools(guarding, metrics)
                if probe:
                    probe.stop()
        if mode == Mode.DECORATED:
            metrics.decorated = save_decorated(prefix)
            saved = True
        if probe:
            probe.finish(namespace)
    except SystemExit as exc:
        exit_code = _exit_code(exc)
        metrics.system_exit = exit_code
    except BaseException as exc:  # pylint: disable=broad-exception-caught
        # Whatever the script raised is its result, reported like the interpreter would.
        traceback.print_exc()
        metrics.exception = RaisedException(type(exc).__qualname__, str(exc)[:2000])
        exit_code = 1
    finally:
        if mode == Mode.DECORATED and not saved:
            metrics.decorated = save_decorated(prefix)  # what a failing script had done
        if probe:
            probe.finish(None)  # a script that raised still leaves its gc and pymalloc record
            metrics.memory = probe.result()
        metrics.write(Path(args.metrics))
    return exit_code


def enter(args: argparse.Namespace) -> str:
    """Set up the script's process as `python script.py` would (its `sys.argv`, its folder
    first on the path; for -m, the current folder), then move into the run's own working
    folder; the script's absolute path."""
    script = os.path.abspath(str(args.script))
    sys.argv = [args.script, *args.script_args]
    sys.path[0] = os.getcwd() if args.module else os.path.dirname(script)
    if args.workdir:
        os.chdir(args.workdir)  # after every path above was made absolute
    return script


def record_own_tools(guard: Optional[handoff.Guard], metrics: ChildMetrics) -> None:
    """The script's own profilers and tracers, as the guard saw them; the guard is taken
    down first, so nothing of ours runs as the script's any more."""
    if guard is not None:
        guard.uninstall()
        metrics.own_tools = guard.report()


PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Become the subreaper of the script's processes: one whose parent ends before it is
    given to us, not to init, so the runner still sees it in the tree and it cannot escape.
    At exit, after the script's own clean-up (multiprocessing's included), those still alive
    are stopped and reaped, so their CPU time is in the rusage the runner reads."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):  # not Linux
        return
    atexit.register(reap_children)


def reap_children(grace_s: float = 2.0) -> None:
    """Stop (SIGTERM, then SIGKILL after `grace_s`) and reap every child still here."""
    left = set(procfs.children(os.getpid()))
    for pid in left:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while left:
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                left.discard(pid)
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    for pid in left:
        _signal(pid, signal.SIGKILL)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def save_decorated(prefix: str) -> list[DecoratedRecord]:
    """Dump what each `profile_deco` function of the script accumulated, if it used any."""
    decorator = sys.modules.get("reporter.decorator")
    if decorator is None:
        return []
    saved = []
    for i, state in enumerate(sorted(decorator.REGISTRY, key=lambda s: s.name), 1):
        if not state.calls:
            continue
        path = f"{prefix}.decorated-{i}.prof"
        state.dump_stat(path)
        recorder = state.recorder  # a `lines=True` function's table, per line
        saved.append(DecoratedRecord(
            name=state.name, calls=state.calls, nested=state.nested_calls,
            unprofiled=state.unprofiled_calls, prof=os.path.basename(path),
            memory=[[m.net, m.peak] for m in state.memory_per_call],
            file=recorder.code.co_filename if recorder else "",
            lines=[DecoratedLine(n, text, s.hits, s.time_s, s.increment_bytes, s.peak_bytes)
                   for n, text, s in recorder.rows()] if recorder else []))
    return saved


def _parse(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reporter.run.child")
    parser.add_argument("--mode", required=True,
                        choices=[m.value for m in Mode if not m.benchmark])
    parser.add_argument("--profiler", default="",
                        help="a profiled run's profiler: its name, or module:Class")
    parser.add_argument("--artifact", default="")
    parser.add_argument("--metrics", required=True)
    parser.add_argument("--memory-limit", type=int, default=0)
    parser.add_argument("--module", action="store_true", help="SCRIPT is a module, as for -m")
    parser.add_argument("--workdir", default="",
                        help="the folder the script runs in, once this child has started")
    parser.add_argument("script")
    parser.add_argument("script_args", nargs=argparse.REMAINDER)
    return parser.parse_args(argv)


def _exit_code(exc: SystemExit) -> int:
    """The status `python script.py` would exit with: a non-int code is printed and means 1."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):  # sys.exit(not ok) passes a bool: the interpreter's 0 or 1
        return int(exc.code)
    print(exc.code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
