"""Benchmark analysis on hand-made measurements: pooling, ranking, memory anatomy."""

import pytest

from reporter.analysis import bench
from reporter.benchmark import Case, normalise
from reporter.declarations import declares_cases, scenarios
from reporter.errors import ReporterError
from reporter.results import Benchmark, CaseTiming, InstanceMemory


def timing(variant, operation, values, supported=True):
    """A case result with these values from one process."""
    return {"variant": variant, "operation": operation, "supported": supported,
            "reason": "" if supported else "AttributeError: can't delete attribute",
            "loops": 1000, "values_s": values}


PLAIN = {"variant": "plain", "stmt": "Plain()", "supported": True, "reason": "",
         "instances": 1000, "traced_bytes": 96_000,
         "allocation_sizes": [[40, 1000], [56, 1000], [700, 1]], "type_name": "Plain",
         "basicsize": 24, "getsizeof": 56, "gc_tracked": True, "weakref_slot": True,
         "dict_bytes": 96}
SLOTS = {**PLAIN, "variant": "slots", "traced_bytes": 56_000, "allocation_sizes": [[56, 1000]],
         "type_name": "Slots", "basicsize": 40, "weakref_slot": False, "dict_bytes": None}


def sample() -> Benchmark:
    """Two processes timing plain, a twice-as-slow variant, a noisy one, one that is the same
    and an unsupported one."""
    first = {"cases": [timing("plain", "read", [1.0e-8, 1.01e-8, 1.0e-8]),
                       timing("slow", "read", [2.0e-8, 2.02e-8, 2.01e-8]),
                       timing("noisy", "read", [0.5e-8, 2.0e-8, 1.0e-8]),
                       timing("twin", "read", [1.0e-8, 1.005e-8, 1.0e-8]),
                       timing("frozen", "read", [], supported=False)]}
    second = {"cases": [timing("plain", "read", [0.99e-8, 1.0e-8]),
                        timing("slow", "read", [1.98e-8, 2.0e-8]),
                        timing("noisy", "read", [1.2e-8, 0.7e-8]),
                        timing("twin", "read", [0.995e-8, 1.0e-8]),
                        timing("frozen", "read", [], supported=False)]}
    memory = {"instances": [PLAIN, SLOTS],
              "mallocstats": "Small block threshold = 512, in 32 size classes.\n"}
    return bench.merge([first, second], memory)


def test_merge_pools_values_across_processes():
    result = sample()
    plain = bench.case(result, "plain", "read")
    assert plain.processes == 2 and len(plain.values_s) == 5
    assert result.pymalloc_alignment == 16
    assert bench.variants(result) == ["plain", "slow", "noisy", "twin", "frozen", "slots"]
    assert bench.operations(result) == ["read"]


def test_ratio_and_ranking():
    result = sample()
    slow = bench.case(result, "slow", "read")
    assert bench.ratio(result, slow) == pytest.approx(2.0, rel=0.01)
    assert bench.verdict(result, slow).word == "slower"
    assert bench.verdict(result, bench.case(result, "noisy", "read")).word == "undecided"
    assert bench.verdict(result, bench.case(result, "twin", "read")).word == "the same"
    assert bench.verdict(result, bench.case(result, "frozen", "read")).word == "not supported"
    assert bench.ratio(result, bench.case(result, "frozen", "read")) is None


def test_conclusions_rank_only_what_the_data_supports():
    read, memory = bench.conclusions(sample())
    assert read.startswith("read: plain takes 10.0 ns")
    assert "slower: slow (2.00×, " in read
    assert "undecided (the interval straddles the ±2% band): noisy (" in read
    assert "the same within ±2%: twin (1.00×" in read
    assert "not supported by: frozen" in read
    assert "the same" not in read.split("undecided")[1]  # noisy is never called the same
    assert "slots 56 (0.58×)" in memory
    assert "the smallest is slots, which has no instance dict" in memory


@pytest.mark.parametrize("size, block", [(1, 16), (16, 16), (17, 32), (56, 64), (512, 512),
                                         (513, None)])
def test_size_class(size, block):
    assert bench.size_class(size, 16, 512) == block
    assert bench.size_class(size, 0, 0) is None


def test_memory_anatomy_and_blocks():
    plain, slots = sample().memory
    assert plain.bytes_per_instance == 96 and plain.pre_header == 32
    assert bench.per_instance_allocations(plain) == [(40, 1.0), (56, 1.0)]
    assert bench.block_bytes(plain, 16, 512) == pytest.approx(112 + 700 / 1000)
    text = bench.anatomy(plain, 16, 512)
    assert "a 56 B object (24 B struct + 32 B in front" in text
    assert "allocated as 56 B in pymalloc's 64 B class" in text
    assert "plus 1 × 40 B per instance, in pymalloc's 48 B class" in text
    assert "96 B instance dict" in text and "a __weakref__ slot" in text
    assert "no instance dict" in bench.anatomy(slots, 16, 512)
    assert "cannot be weakly referenced" in bench.anatomy(slots, 16, 512)
    assert bench.block_bytes(InstanceMemory("x", "X()", False, "no"), 16, 512) == 0


def test_nothing_to_conclude_without_cases():
    assert not bench.conclusions(Benchmark([], [], True))
    lone = Benchmark([CaseTiming("a", "read", True, "", 1, [1.0], 1)], [], True)
    assert bench.conclusions(lone) == ["read: a takes 1000000000.0 ns."]


def test_normalise_accepts_cases_and_dicts_and_refuses_the_rest():
    as_dict = {"variant": "b", "operation": "read", "stmt": "o.x", "creates": True}
    cases = normalise([Case("a", "read", "o.x"), as_dict])
    assert cases[1] == Case("b", "read", "o.x", creates=True)
    for bad, message in [([{"variant": "a"}], "missing"), (["o.x"], "expected a Case"),
                         ([{"variant": "a", "operation": "r", "stmt": 3}], "must be text"),
                         ([{"variant": "a", "operation": "r", "stmt": "x", "colour": 1}],
                          "expected a Case"),
                         ([Case("a", "r", "x"), Case("a", "r", "y")], "declared twice")]:
        with pytest.raises(ReporterError, match=message):
            normalise(bad)


def test_declares_cases_reads_the_source_without_running_it(write_script):
    assert declares_cases(write_script("a.py", "CASES = []\nraise SystemExit(1)\n"))
    assert declares_cases(write_script("b.py", "CASES: list = []\n"))
    assert not declares_cases(write_script("c.py", "def f():\n    CASES = []\n"))
    assert not declares_cases(write_script("d.py", "CASES = (\n"))
    assert not declares_cases(write_script("e.py", "x = 1\n").with_name("missing.py"))


def test_scenarios_are_read_as_literals_only(write_script):
    good = write_script("s.py", 'SCENARIOS = {"on": [], "off": ["--no-gc"]}\n')
    assert scenarios(good) == {"on": [], "off": ["--no-gc"]}
    for source in ['SCENARIOS = {"on": make()}\n', "SCENARIOS = [1]\n", 'SCENARIOS = {"a": [1]}\n',
                   "x = 1\n"]:
        assert not scenarios(write_script("t.py", source))


def test_the_control_is_noise_beside_the_verdicts_never_one_of_them():
    control = {**timing("copy of plain", "read", [1.0e-8, 1.0e-8]), "control": True}
    reading = {"moment": "after the warm-up", "hidden": "",
               "instructions": [["LOAD_ATTR_INSTANCE_VALUE", "LOAD_ATTR", "", True]]}
    first = {"cases": [timing("plain", "read", [1.0e-8, 1.0e-8]), control]}
    for case in first["cases"]:
        case["readings"] = [reading, {**reading, "moment": "after the last round"}]
    pooled = bench.merge([first, first], None)
    copy = bench.case(pooled, "copy of plain", "read")
    assert copy.control and not bench.case(pooled, "plain", "read").control
    # alike readings are kept once, with every moment that read them
    assert [r.moments for r in copy.readings] == [[
        "process 1 after the warm-up", "process 1 after the last round",
        "process 2 after the warm-up", "process 2 after the last round"]]
    (read,) = bench.conclusions(pooled)
    assert read.endswith("; copy of plain, the control, 1.00× (1.00–1.00×): this machine's noise.")
    assert "undecided" not in read  # the control is not counted as a comparison
