"""Shared fixtures: tiny real workloads, and a guard that no test leaves a profiler running."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from reporter.harness import other_profiler

RESOURCES = Path(__file__).parent / "resources"


@pytest.fixture(autouse=True)
def no_profiler_left_active():
    """As in pyinstrument's suite: a test that leaves a profiler installed breaks the next."""
    yield
    assert sys.getprofile() is None and other_profiler() is None


@pytest.fixture
def write_script(tmp_path: Path):
    """Write a small script into the test's folder and return its path."""

    def write(name: str, source: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        return path

    return write
