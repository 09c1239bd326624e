"""How a child ended, in one status and a one-line reason: what the runner saw from outside
(exit status, signal, timeout) joined with what the child saw inside (the exception, the
`sys.exit` code). The terminal and the pages both say it with `Status.label`."""

from __future__ import annotations

import signal
from typing import Any, Optional

from reporter.run.records import ChildMetrics, ProcessRecord, RaisedException
from reporter.vocabulary import Status


def classify(process: Optional[ProcessRecord],
             metrics: Optional[ChildMetrics]) -> tuple[Status, str, Optional[int]]:
    """Status, one-line reason and exit code of a child, from outside and inside views."""
    if process is None:
        return Status.NOT_RUN, "the run was interrupted before this job ran", None
    code = process.returncode
    if process.interrupted:
        return Status.INTERRUPTED, "stopped when the whole run was interrupted", code
    if process.timed_out:
        return (Status.TIMEOUT, f"killed after the {_number(process.timeout)} s timeout "
                "(--timeout SECONDS raises it)", code)
    if code is not None and code < 0:
        return Status.CRASHED, f"killed by signal {_signal_name(-code)}", code
    if metrics is None:
        return (Status.CRASHED, f"exited with code {code} before the harness could report "
                "(os._exit, or a crash inside the interpreter)", code)
    if metrics.exception is not None:
        return (*_raised(metrics.exception, metrics.memory_limit), code)
    if code != 0:
        return Status.EXIT, f"exited with code {code}", code
    return Status.OK, "", code


def _raised(exception: RaisedException, memory_limit: int) -> tuple[Status, str]:
    """Status and one-line reason of a script that raised: MemoryError past a limit is its own."""
    kind = exception.type
    lines = exception.message.strip().splitlines()
    if kind == "MemoryError" and memory_limit:
        return Status.MEMORY, (f"exceeded the {_number(memory_limit / 2**20)} MiB "
                               "memory limit (--memory-limit SIZE raises it)")
    reason = f"{kind}: {lines[0] if lines else ''}"
    if kind == "EOFError":
        reason += " (the script reads its standard input, which is empty: give it a file " \
                  "with --stdin FILE)"
    return Status.ERROR, reason


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else "?"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
