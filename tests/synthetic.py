"""Synthetic results for tests and benchmarks that need a profile of a chosen size."""

from __future__ import annotations

import random

from reporter.vocabulary import Mode, Status
from reporter.results import (CProfileSummary, Environment, FlameGraph, Frame, FunctionStat,
                              PyinstrumentSummary, Run, RunRecord, WorkloadResult)


def big_tree(nodes: int, seed: int = 1) -> Frame:
    """A random, bushy-at-the-top tree of `nodes` frames whose totals add up."""
    rng = random.Random(seed)
    root = Frame("root", "big.py", 1, 0.0, 0.0)
    frames = [root]
    for i in range(nodes - 1):
        parent = frames[int(len(frames) * rng.random() ** 0.3)]
        child = Frame(f"function_{i}", f"package/module_{i % 97}.py", i, 0.0, rng.random())
        parent.children.append(child)
        frames.append(child)
    for frame in reversed(frames):
        frame.value = frame.self_value + sum(c.value for c in frame.children)
    return root


def run_with_graph(graph: FlameGraph, workload: str = "big") -> Run:
    """A run of one workload whose only profile is the given CPU graph."""
    record = RunRecord(Mode.PROFILED, 0, Status.OK, "", 0, 1.0, 1.0, "", profiler="pyinstrument",
                       profile=PyinstrumentSummary(1.0, 1, 0.001, [graph]))
    env = Environment("3", "CPython 3", "Linux", "python", "now", {})
    return Run("synthetic", env, [WorkloadResult(workload, f"{workload}.py", [], [record])])


def run_with_functions(count: int, seed: int = 1) -> Run:
    """A run of one workload whose cProfile summary lists `count` functions."""
    rng = random.Random(seed)
    rows = [FunctionStat(f"function_{i}", f"/project/package/module_{i % 97}.py", i + 1,
                         calls, calls, own, own + rng.random())
            for i in range(count)
            for calls, own in [(rng.randint(1, 100_000), rng.random() / 100)]]
    rows.sort(key=lambda r: -r.cumulative_s)
    summary = CProfileSummary(sum(r.calls for r in rows), sum(r.calls for r in rows),
                              rows[0].cumulative_s, rows)
    record = RunRecord(Mode.PROFILED, 0, Status.OK, "", 0, 1.0, 1.0, "", profiler="cprofile",
                       profile=summary)
    env = Environment("3", "CPython 3", "Linux", "python", "now", {})
    return Run("synthetic", env, [WorkloadResult("functions", "functions.py", [], [record])])
