"""The process view's pure parts: reading /proc, and the sentence that classifies a run."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from reporter.analysis.process import CPU, IO, MIXED, WAIT
from reporter.render.process import classify, cpu_chart
from reporter.results import ProcessStats
from reporter.run import procfs


def stats(elapsed=2.0, user=0.1, system=0.0, **more) -> ProcessStats:
    """Process figures with 50 samples and quiet defaults."""
    values = {"max_rss_bytes": 30 * 2**20, "vm_hwm_bytes": 0, "vm_peak_bytes": 0,
              "minor_faults": 0, "major_faults": 0, "ctx_voluntary": 0, "ctx_involuntary": 0,
              "max_threads": 1, "read_bytes": 0, "write_bytes": 0, "rchar": 0, "wchar": 0,
              "waiting_share": 0.0, "running_share": 0.0}
    values.update(more)
    return ProcessStats(elapsed_s=elapsed, user_s=user, system_s=system,
                        series=[[i / 25, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0] for i in range(50)],
                        **values)


def test_each_kind_of_run_gets_its_word_and_its_figures():
    assert classify(stats(user=1.9)).kind == CPU
    assert classify(stats(user=0.5, running_share=0.9)).kind == CPU  # a busy machine
    waiting = classify(stats(user=0.1))
    assert waiting.kind == WAIT and "0.05 cores busy" in waiting.sentence
    assert classify(stats(user=0.2, waiting_share=0.5)).kind == IO
    assert classify(stats(user=0.2, write_bytes=50 * 2**20)).kind == IO
    assert classify(stats(user=1.0)).kind == MIXED
    heavy = classify(stats(user=1.9, max_rss_bytes=3 * 2**30, major_faults=12))
    assert heavy.kind == f"{CPU}, memory-heavy" and "3.0 GiB" in heavy.sentence
    assert classify(stats(elapsed=0.1)) is None  # too short to tell
    two = classify(stats(user=3.6, children=[object()]))
    assert "over 2 processes" in two.sentence


def test_cpu_is_read_over_windows_not_every_tick():
    points = [[i * 0.01, i * 0.01 if i % 2 else (i - 1) * 0.01, 0.0] for i in range(1, 40)]
    chart = cpu_chart(points)
    assert chart["stacked"]
    assert all(0 <= float(p.split(",")[1]) <= chart["height"]
               for line in chart["lines"] for p in line["points"].split())


def test_proc_readings_of_a_live_tree():
    mine = procfs.read(os.getpid())
    assert mine is not None and mine.rss > 0 and mine.threads >= 1 and mine.state
    assert {"rchar", "wchar", "read_bytes", "write_bytes"} <= set(mine.io)
    assert procfs.peaks(os.getpid())["VmHWM"] >= mine.rss // 2
    sleeper = subprocess.Popen(  # pylint: disable=consider-using-with  # killed below
        [sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        deadline = time.monotonic() + 10
        while sleeper.pid not in procfs.descendants(os.getpid()):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        watch = procfs.TreeWatch(os.getpid(), time.time())
        watch.sample(time.time())
        assert sleeper.pid in watch.last
        record = watch.record(None)
        assert any(c.pid == sleeper.pid for c in record.children)
        assert len(record.series[0]) == 13
    finally:
        sleeper.kill()
        sleeper.wait()
    assert procfs.read(sleeper.pid) is None
    assert procfs.command_line(sleeper.pid) == ""
    assert procfs.read_io(-1) == {}


@pytest.mark.parametrize("text", ["12 (a b) c) R 1 2", "garbage"])
def test_a_stat_line_that_cannot_be_parsed_is_no_reading(tmp_path, monkeypatch, text):
    fake = tmp_path / "stat"
    fake.write_text(text)
    real_open = open

    def fake_open(path, *args, **kwargs):
        wanted = fake if str(path).endswith("/stat") else path
        return real_open(wanted, *args, **kwargs)  # pylint: disable=consider-using-with

    monkeypatch.setattr("builtins.open", fake_open)
    assert procfs.read(12) is None
