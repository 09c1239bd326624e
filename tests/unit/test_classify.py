"""A child's status from what the runner and the child itself recorded."""

import pytest

from reporter.collect import classify, tail

DONE = {"returncode": 0, "timed_out": False, "timeout": 10}


@pytest.mark.parametrize("process, metrics, status, reason", [
    (None, None, "not-run", "interrupted"),
    (DONE, {"wall_s": 1.0}, "ok", ""),
    ({**DONE, "timed_out": True, "returncode": -9}, None, "timeout", "10 s timeout"),
    ({**DONE, "returncode": -11}, None, "crashed", "SIGSEGV"),
    ({**DONE, "returncode": -99}, None, "crashed", "signal 99"),
    ({**DONE, "returncode": 0}, None, "crashed", "before the harness could report"),
    ({**DONE, "returncode": 1}, {"exception": {"type": "ValueError", "message": "bad\nmore"}},
     "error", "ValueError: bad"),
    ({**DONE, "returncode": 1}, {"exception": {"type": "KeyError", "message": ""}},
     "error", "KeyError: "),
    ({**DONE, "returncode": 3}, {"system_exit": 3}, "exit", "exited with code 3"),
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
