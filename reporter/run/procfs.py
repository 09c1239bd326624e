"""What top, atop and iotop read: a process tree's CPU, memory and I/O, from /proc, from outside.

The runner samples the child and every process it started (found through
`/proc/PID/task/TID/children`) every 10 ms, and keeps each process's last reading, so a
process that ended still counts with what it had done when last seen. Totals that polling can
miss (a process shorter than one interval) come from `os.wait4`'s rusage instead.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import Any, Optional

from reporter.results import ChildProcess, Col
from reporter.run.records import ProcessTotals, ProcessTree

TICK_S = 1.0 / (os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100)
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
IO_FIELDS = ("rchar", "wchar", "read_bytes", "write_bytes")


@dataclass
class Reading:
    """One process at one moment."""

    pid: int
    state: str  # R running, S sleeping, D waiting on the disk, Z zombie...
    user_s: float
    system_s: float
    threads: int
    vms: int
    rss: int
    minor_faults: int
    major_faults: int
    io: dict[str, int] = field(default_factory=dict)  # rchar, wchar, read_bytes, write_bytes


def read(pid: int) -> Optional[Reading]:
    """The process's /proc/PID/stat and io; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces and parentheses itself.
    fields = text[text.rfind(")") + 2:].split() if ")" in text else []
    try:
        found = Reading(pid=pid, state=fields[0], user_s=int(fields[11]) * TICK_S,
                        system_s=int(fields[12]) * TICK_S, threads=int(fields[17]),
                        vms=int(fields[20]), rss=int(fields[21]) * PAGE,
                        minor_faults=int(fields[7]), major_faults=int(fields[9]))
    except (IndexError, ValueError):
        return None
    found.io = read_io(pid)
    return found


def read_io(pid: int) -> dict[str, int]:
    """/proc/PID/io, still readable while the process is a zombie; {} if it cannot be read."""
    try:
        with open(f"/proc/{pid}/io", encoding="ascii") as f:
            pairs = (line.split(":", 1) for line in f)
            return {k: int(v) for k, v in pairs if k in IO_FIELDS}
    except (OSError, ValueError):
        return {}


def peaks(pid: int) -> dict[str, int]:
    """VmHWM and VmPeak, in bytes, from /proc/PID/status (gone once the process is a zombie)."""
    found = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmPeak:")):
                    key, value = line.split(":", 1)
                    found[key] = int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return found


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, breadth first (needs CONFIG_PROC_CHILDREN, which Debian's
    and most kernels have; without it, only `pid` itself is measured)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        below = children(pending.pop(0))
        found += below
        pending += below
    return found


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (orphans it adopted as a subreaper included)."""
    found: list[int] = []
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            with open(path, encoding="ascii") as f:
                found += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            continue
    return found


def command_line(pid: int) -> str:
    """The process's arguments, space-separated; its name in brackets where it has none (a
    kernel thread, a process exiting); "" once it is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            found = f.read().rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
        if found:
            return found
        with open(f"/proc/{pid}/comm", "rb") as f:
            return f"[{f.read().strip().decode('utf-8', 'replace')}]"
    except OSError:
        return ""


class TreeWatch:
    """The samples of one child's process tree: a series for the page, and each process's
    last reading for the list of processes it started."""

    def __init__(self, pid: int, started: float) -> None:
        self.pid = pid
        self.started = started
        self.series: list[list[float]] = []
        self.last: dict[int, Reading] = {}
        self.first_seen: dict[int, float] = {}
        self.commands: dict[int, str] = {}
        self.peak_rss: dict[int, int] = {}
        self.main_peaks: dict[str, int] = {}

    def sample(self, now: float) -> None:
        """Read every process of the tree once; append one point to the series."""
        waiting = running = 0
        threads = 0
        tree_rss = 0
        main: Optional[Reading] = None
        for pid in [self.pid, *descendants(self.pid)]:
            found = read(pid)
            if found is None:
                continue
            if pid not in self.first_seen:
                self.first_seen[pid] = now - self.started
            if self.commands.get(pid, "") in ("", self.commands.get(self.pid)) and pid != self.pid:
                # A fresh fork shows its parent's command line until it runs exec.
                self.commands[pid] = command_line(pid)
            elif pid == self.pid and pid not in self.commands:
                self.commands[pid] = command_line(pid)
            self.last[pid] = found
            self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), found.rss)
            waiting += found.state == "D"
            running += found.state == "R"  # running, or runnable and waiting for a core
            tree_rss += found.rss
            if pid == self.pid:
                main, threads = found, found.threads
        if main is None or main.state == "Z":  # ended: a zombie has no memory to show
            return
        self.main_peaks = peaks(self.pid) or self.main_peaks
        done = list(self.last.values())
        self.series.append([  # in the order of results.Col
            round(now - self.started, 4),
            round(sum(r.user_s for r in done), 3), round(sum(r.system_s for r in done), 3),
            main.rss, tree_rss, main.vms, threads, waiting,
            *(sum(r.io.get(k, 0) for r in done) for k in IO_FIELDS), running,
        ])

    def _command(self, pid: int) -> str:
        """A child's command line, or what it is when it never ran exec."""
        found = self.commands.get(pid, "")
        if found and found == self.commands.get(self.pid):
            return "(a fork of the main process: the script's own code, not a new program)"
        return found

    def ended(self) -> None:
        """The child has ended but is not reaped: its last I/O counts are still readable."""
        io = read_io(self.pid)
        if io and self.pid in self.last:
            self.last[self.pid].io = io

    def record(self, rusage: Any) -> ProcessTree:
        """What process.json keeps: the totals (rusage for what polling may miss), the series
        and one entry per process the child started."""
        started = [p for p in self.last if p != self.pid]
        io = {k: sum(r.io.get(k, 0) for r in self.last.values()) for k in IO_FIELDS}
        return ProcessTree(
            totals=ProcessTotals(
                user_s=rusage.ru_utime if rusage else 0.0,
                system_s=rusage.ru_stime if rusage else 0.0,
                minor_faults=rusage.ru_minflt if rusage else 0,
                major_faults=rusage.ru_majflt if rusage else 0,
                ctx_voluntary=rusage.ru_nvcsw if rusage else 0,
                ctx_involuntary=rusage.ru_nivcsw if rusage else 0,
                vm_hwm_bytes=self.main_peaks.get("VmHWM", 0),
                vm_peak_bytes=self.main_peaks.get("VmPeak", 0),
                max_threads=max((int(p[Col.THREADS]) for p in self.series), default=0),
                rchar=io["rchar"], wchar=io["wchar"], read_bytes=io["read_bytes"],
                write_bytes=io["write_bytes"]),
            series=self.series,
            children=[ChildProcess(
                pid=pid, command=self._command(pid),
                first_seen_s=round(self.first_seen.get(pid, 0.0), 4),
                user_s=self.last[pid].user_s, system_s=self.last[pid].system_s,
                peak_rss_bytes=self.peak_rss.get(pid, 0),
                read_bytes=self.last[pid].io.get("read_bytes", 0),
                write_bytes=self.last[pid].io.get("write_bytes", 0),
                rchar=self.last[pid].io.get("rchar", 0), wchar=self.last[pid].io.get("wchar", 0),
            ) for pid in started],
        )
