"""The instructions a benchmark case ran, read by the timing child, against `dis` of the same
code warmed up in a fresh interpreter; and nothing claimed where a tracer hid them.

The children here run without coverage (its tracer would hide specialisation): the suite's
other children run under it, so their readings say so instead (see the last test).
"""

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest

from reporter.analysis import bench, mechanism
from reporter.run.specialisation import is_mechanism
from reporter.vocabulary import Mechanism
from tests.conftest import RESOURCES

SCRIPT = RESOURCES / "attribute_paths.py"
SPECIALISES = sys.version_info >= (3, 11)
# Nothing traces these children: no coverage, no profiler.
CLEAN = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}

# A fresh interpreter runs each case's statement many times, as its own code, then names the
# attribute and call instructions as `dis` shows them, with no help from the reporter.
TRUTH = textwrap.dedent("""
    import dis, json, runpy, sys
    ns = runpy.run_path(sys.argv[1], run_name="__truth__")
    def pattern(name):
        return "ATTR" in name or "METHOD" in name or name.startswith(("CALL", "PRECALL"))
    found = {}
    for case in ns["CASES"]:
        scope = dict(ns)
        exec(case.get("setup", "pass"), scope)
        code = compile(case["stmt"], "<truth>", "exec")
        for _ in range(2000):
            exec(code, scope)
        names = [i.opname for i in dis.get_instructions(code, adaptive=True) if pattern(i.opname)]
        kind = ns[ns["KINDS"][case["variant"]]]
        init = [i.opname for i in dis.get_instructions(kind.__init__, adaptive=True)
                if pattern(i.opname)] if case["operation"] == "create" else []
        found[case["variant"] + "/" + case["operation"]] = {"statement": names, "init": init}
    print(json.dumps(found))
""")


def _child(tmp_path, *prefix):
    out, metrics = tmp_path / "out.json", tmp_path / "metrics.json"
    subprocess.run([sys.executable, *prefix, "-m", "reporter.run.bench_child", "--timing",
                    "--budget", "0.2", "--min-rounds", "3", "--min-time", "0.0002",
                    "--out", str(out), "--metrics", str(metrics), str(SCRIPT)],
                   check=True, env=CLEAN, timeout=600)
    return bench.merge([json.loads(out.read_text())], None)


@pytest.fixture(name="timed", scope="module")
def fixture_timed(tmp_path_factory):
    """One timing process of the resource, with nothing tracing it."""
    return _child(tmp_path_factory.mktemp("spec"))


@pytest.fixture(name="truth", scope="module")
def fixture_truth():
    """What a fresh interpreter's `dis` says of the same statements."""
    found = subprocess.run([sys.executable, "-c", TRUTH, str(SCRIPT)], check=True, env=CLEAN,
                           capture_output=True, text=True, timeout=600)
    return json.loads(found.stdout)


def _reading(timed, variant, operation):
    """The case's reading after its last round (a short warm-up may not have specialised
    everything yet: then the two readings disagree, and the page shows both)."""
    case = bench.case(timed, variant, operation)
    assert all(not r.hidden for r in case.readings), case.readings
    return next(r for r in case.readings if any(m.endswith("last round") for m in r.moments))


@pytest.mark.skipif(not SPECIALISES, reason="this Python does not specialise instructions")
def test_each_case_runs_what_a_fresh_interpreter_specialises(timed, truth):
    for key, expected in truth.items():
        variant, operation = key.split("/")
        reading = _reading(timed, variant, operation)
        statement = [i.name for i in reading.instructions if not i.where]
        init = [i.name for i in reading.instructions if i.where.endswith("__init__")]
        assert statement == expected["statement"], key
        assert init == expected["init"], key
        assert all(is_mechanism(i.base) for i in reading.instructions)
        # read after the warm-up and after the last round
        case = bench.case(timed, variant, operation)
        assert sorted(m.split(" ", 2)[2] for r in case.readings for m in r.moments) == [
            "after the last round", "after the warm-up"]


@pytest.mark.skipif(not SPECIALISES, reason="this Python does not specialise instructions")
def test_the_mechanisms_the_lecture_names(timed):
    last = _settled(timed)
    how = mechanism.mechanisms(last, "plain")
    read = {v: how[(v, "read")] for v in ("slots", "dataclass", "defaulted")}
    assert _reading(timed, "plain", "read").instructions[0].name == "LOAD_ATTR_INSTANCE_VALUE"
    assert read["slots"].word == Mechanism.DIFFERENT
    assert [str(c) for c in read["slots"].changes] == [
        "LOAD_ATTR_SLOT instead of LOAD_ATTR_INSTANCE_VALUE"]
    assert read["dataclass"].word == Mechanism.IDENTICAL
    # a field with a class-level default shadows a class attribute: 3.12+ does not specialise
    expected = Mechanism.IDENTICAL if sys.version_info < (3, 12) else Mechanism.DIFFERENT
    assert read["defaulted"].word == expected
    create = how[("slots", "create")]
    assert "STORE_ATTR_SLOT instead of STORE_ATTR_INSTANCE_VALUE in __init__" in map(
        str, create.changes)
    # DELETE_ATTR has no specialised form: never grouped as identical
    delete = how[("dataclass", "delete")]
    assert delete.word == Mechanism.UNTOLD and "DELETE_ATTR" in delete.unspecialised
    groups = mechanism.groups(how, "read", "plain", ["copy of plain"])
    assert any(g.word == Mechanism.IDENTICAL and "dataclass" in g.variants
               and "plain's instructions (LOAD_ATTR_INSTANCE_VALUE)" in g.sentence()
               for g in groups)


def _settled(timed):
    """The results with each case's reading after its last round only."""
    return replace(timed, cases=[replace(c, readings=[_reading(timed, c.variant, c.operation)])
                                 for c in timed.cases])


def test_each_operation_has_a_control_running_the_baselines_instructions(timed):
    last = _settled(timed) if SPECIALISES else timed
    for operation in bench.operations(timed):
        control = bench.case(last, "copy of plain", operation)
        assert control is not None and control.control and control.ratios
        if SPECIALISES:
            assert mechanism.compare(control, bench.case(last, "plain", operation)).word in (
                Mechanism.IDENTICAL, Mechanism.UNTOLD)
    assert not any(c.control for c in timed.cases if c.variant != "copy of plain")


@pytest.mark.skipif(SPECIALISES, reason="this Python specialises instructions")
def test_a_python_without_specialisation_says_so(timed):
    for case in timed.cases:
        assert [r.hidden for r in case.readings] == [
            f"Python {sys.version_info[0]}.{sys.version_info[1]} does not specialise "
            "instructions"]


def test_under_a_tracer_nothing_is_claimed_and_the_tracer_is_named(tmp_path):
    traced = _child(tmp_path, "-c", "import runpy, sys; sys.settrace(lambda *a: None); "
                    "sys.argv = sys.argv[2:]; "
                    "runpy.run_module('reporter.run.bench_child', run_name='__main__')")
    how = mechanism.mechanisms(traced, "plain")
    assert how and all(m.word == Mechanism.UNOBSERVED and not m.reading for m in how.values())
    if SPECIALISES:
        assert all("a trace function" in r.hidden and "was active" in r.hidden
                   for c in traced.cases for r in c.readings)
