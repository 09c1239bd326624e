"""A child's status from what the runner and the child itself recorded."""

import pytest

from reporter.collect import classify, tail
from reporter.run.records import RECORDS_VERSION, ChildMetrics, ProcessRecord, RaisedException
from reporter.vocabulary import Mode


def done(returncode=0, timed_out=False):
    """The runner's record of a child that ended with that code."""
    return ProcessRecord(version=RECORDS_VERSION, returncode=returncode, timed_out=timed_out,
                         interrupted=False, timeout=10, process_s=1.0, started_at=0.0,
                         ended_at=1.0, parallel=False)


def said(**fields):
    """The child's own metrics."""
    return ChildMetrics(version=RECORDS_VERSION, mode=Mode.BARE, pid=1, **fields)


@pytest.mark.parametrize("process, metrics, status, reason", [
    (None, None, "not-run", "interrupted"),
    (done(), said(wall_s=1.0), "ok", ""),
    (done(-9, timed_out=True), None, "timeout", "10 s timeout"),
    (done(-11), None, "crashed", "SIGSEGV"),
    (done(-99), None, "crashed", "signal 99"),
    (done(0), None, "crashed", "before the harness could report"),
    (done(1), said(exception=RaisedException("ValueError", "bad\nmore")),
     "error", "ValueError: bad"),
    (done(1), said(exception=RaisedException("KeyError", "")), "error", "KeyError: "),
    (done(1), said(exception=RaisedException("MemoryError", ""), memory_limit=2**30),
     "memory", "1024 MiB memory limit"),
    (done(3), said(system_exit=3), "exit", "exited with code 3"),
])
def test_classify(process, metrics, status, reason):
    got_status, got_reason, _ = classify(process, metrics)
    assert got_status == status
    assert reason in got_reason


def test_tail_keeps_the_end_and_survives_bad_bytes(tmp_path):
    path = tmp_path / "err.txt"
    path.write_bytes(b"x" * 10_000 + b"\xff\xfe end")
    text = tail(path, limit=100)
    assert len(text) <= 100 and text.endswith(" end") and "\ufffd" in text
    assert tail(tmp_path / "missing.txt") == ""
