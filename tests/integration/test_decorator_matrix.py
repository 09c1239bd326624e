"""The decorator under every outer tool a student may run it with, on this interpreter.

`nox -s tests` runs this on each Python from 3.10 to 3.13, so together the runs make the matrix
decorator x outer profiler x version. Each case runs the real tool on a small homework script
in a subprocess: the decorator must not crash, must stand down (count only) under a profiler,
must profile beside a trace function, and the outer tool must still get its own result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HOMEWORK = textwrap.dedent("""\
    import json, sys
    from reporter import profile_deco

    @profile_deco
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    @profile_deco(memory=True)
    def build(n):
        return [str(i) * 4 for i in range(n)]

    def main():
        for _ in range(3):
            fib(15)
        kept = build(200_000)
        return len(kept)

    main()
    stats = fib.stats()
    with open(sys.argv[1], "w") as out:
        json.dump({"calls": fib.profiled.calls, "unprofiled": fib.profiled.unprofiled_calls,
                   "profiled_fib": None if stats is None else sum(
                       v[1] for k, v in stats.stats.items() if k[2] == "fib")}, out)
""")

TRACER = textwrap.dedent("""\
    import runpy, sys
    seen = set()
    def tracer(frame, event, arg):
        seen.add(frame.f_code.co_name)
        return None
    sys.settrace(tracer)
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.settrace(None)
    assert "main" in seen and "fib" in seen, sorted(seen)
""")


def _outer_ok_cprofile(folder: Path) -> None:
    import pstats  # pylint: disable=import-outside-toplevel
    names = {key[2] for key in pstats.Stats(str(folder / "outer.prof")).stats}
    assert {"fib", "main"} <= names


def _outer_ok_memray(folder: Path) -> None:
    from memray import FileReader  # pylint: disable=import-outside-toplevel
    reader = FileReader(str(folder / "outer.bin"))
    functions = {frame[0] for record in reader.get_high_watermark_allocation_records()
                 for frame in record.stack_trace()}
    # The list that `build` keeps is allocated under it: memray's stacks survived.
    assert "build" in functions or "<listcomp>" in functions, sorted(functions)[:20]


def _outer_ok_file(name: str):
    def check(folder: Path) -> None:
        assert (folder / name).stat().st_size > 0
    return check


# name: (command prefix before the script, is a profiler (decorator counts only), check)
OUTER = {
    "none": ([], False, None),
    "cProfile": (["-m", "cProfile", "-o", "outer.prof"], True, _outer_ok_cprofile),
    "profile": (["-m", "profile", "-o", "outer.prof"], True, _outer_ok_cprofile),
    "pyinstrument": (["-m", "pyinstrument", "-o", "outer.txt"], True,
                     _outer_ok_file("outer.txt")),
    "memray": (["-m", "memray", "run", "--quiet", "-o", "outer.bin"], True, _outer_ok_memray),
    "coverage": (["-m", "coverage", "run", "--data-file", "outer.coverage"], False,
                 _outer_ok_file("outer.coverage")),
    "trace function": (["tracer.py"], False, None),
}


@pytest.mark.parametrize("outer", list(OUTER))
def test_the_decorator_under_an_outer_tool(tmp_path, outer):
    prefix, is_profiler, outer_ok = OUTER[outer]
    (tmp_path / "homework.py").write_text(HOMEWORK)
    (tmp_path / "tracer.py").write_text(TRACER)
    # A clean environment: the suite's own coverage must not be the outer tool.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE")}
    done = subprocess.run([sys.executable, *prefix, "homework.py", "result.json"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads((tmp_path / "result.json").read_text())
    fib_calls = 3 * 1973  # fib(15) makes 1,973 calls
    assert result["calls"] == fib_calls
    if is_profiler:
        assert result["unprofiled"] == fib_calls and result["profiled_fib"] is None
    else:
        assert result["unprofiled"] == 0 and result["profiled_fib"] == fib_calls
    if outer_ok:
        outer_ok(tmp_path)
