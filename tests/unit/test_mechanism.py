"""What the specialised instructions say against the baseline's, and how they are read."""

import sys
import textwrap
import timeit

import pytest

from reporter.analysis import mechanism
from reporter.results import Benchmark, CaseTiming, Instruction, InstructionReading
from reporter.run import specialisation
from reporter.vocabulary import Mechanism

WARM = "process 1 after the warm-up"
LAST = "process 1 after the last round"


def ins(name, where="", base=None, specialised=None):
    """An instruction as the child records it; specialised where its name is not its base's."""
    base = base or (name.rsplit("_", 2)[0] if name.count("_") > 1 else name)
    return Instruction(name, base, where, name != base if specialised is None else specialised)


def case(variant, *readings, operation="read"):
    """A timed case with its readings: (instructions, what hid them, moments) each."""
    return CaseTiming(variant, operation, True, "", 1, [1e-8], 1, readings=[
        InstructionReading(list(found), hidden, moments) for found, hidden, moments in readings])


PLAIN = case("plain", ([ins("LOAD_ATTR_INSTANCE_VALUE", base="LOAD_ATTR")], "", [WARM, LAST]))


def test_one_specialised_instruction_instead_of_another_is_a_mechanism():
    slots = case("slots", ([ins("LOAD_ATTR_SLOT", base="LOAD_ATTR")], "", [WARM, LAST]))
    found = mechanism.compare(slots, PLAIN)
    assert found.word == Mechanism.DIFFERENT and found.names == ["LOAD_ATTR_SLOT"]
    assert [str(c) for c in found.changes] == ["LOAD_ATTR_SLOT instead of LOAD_ATTR_INSTANCE_VALUE"]
    assert mechanism.short(found, "plain") == "LOAD_ATTR_SLOT instead of LOAD_ATTR_INSTANCE_VALUE"


def test_instructions_only_one_side_runs_are_named_with_the_code_they_run_in():
    weak = case("weakref", ([ins("LOAD_ATTR_INSTANCE_VALUE", base="LOAD_ATTR"),
                             ins("CALL_BUILTIN_CLASS", "Holder.__init__", base="CALL")], "",
                            [WARM]))
    found = mechanism.compare(weak, PLAIN)
    assert [str(c) for c in found.changes] == ["also CALL_BUILTIN_CLASS in __init__"]
    assert [str(c) for c in mechanism.compare(PLAIN, weak).changes] == [
        "no CALL_BUILTIN_CLASS in __init__"]


def test_identical_only_when_every_instruction_is_specialised():
    same = case("dataclass", ([ins("LOAD_ATTR_INSTANCE_VALUE", base="LOAD_ATTR")], "", [WARM]))
    assert mechanism.compare(same, PLAIN).word == Mechanism.IDENTICAL
    delete = [ins("DELETE_ATTR", base="DELETE_ATTR", specialised=False)]
    untold = mechanism.compare(case("a", (delete, "", [WARM])), case("b", (delete, "", [WARM])))
    assert untold.word == Mechanism.UNTOLD and untold.unspecialised == ["DELETE_ATTR"]
    assert mechanism.short(untold, "b") == "the instructions do not tell"


def test_readings_that_disagree_are_shown_and_never_grouped():
    moved = case("slots", ([ins("LOAD_ATTR_SLOT", base="LOAD_ATTR")], "", [WARM]),
                 ([ins("LOAD_ATTR", specialised=False)], "", [LAST]))
    found = mechanism.compare(moved, PLAIN)
    assert found.word == Mechanism.UNSTABLE and found.reading is None
    assert found.why_not == f"LOAD_ATTR_SLOT ({WARM}); LOAD_ATTR ({LAST})"


def test_hidden_or_missing_readings_claim_nothing():
    hidden = case("slots", ([], "a trace function (coverage.CTracer) was active", [WARM]))
    found = mechanism.compare(hidden, PLAIN)
    assert found.word == Mechanism.UNOBSERVED and "coverage.CTracer" in found.why_not
    assert mechanism.compare(case("old"), PLAIN).word == Mechanism.UNOBSERVED
    assert mechanism.compare(PLAIN, hidden).why_not.startswith("slots: a trace function")


def test_variants_that_say_the_same_are_grouped_and_the_controls_left_out():
    cases = [PLAIN,
             case("copy of plain", ([ins("LOAD_ATTR_INSTANCE_VALUE", base="LOAD_ATTR")], "",
                                    [WARM])),
             case("dataclass", ([ins("LOAD_ATTR_INSTANCE_VALUE", base="LOAD_ATTR")], "", [WARM])),
             case("slots", ([ins("LOAD_ATTR_SLOT", base="LOAD_ATTR")], "", [WARM])),
             case("dataclass(slots)", ([ins("LOAD_ATTR_SLOT", base="LOAD_ATTR")], "", [WARM]))]
    found = mechanism.mechanisms(Benchmark(cases, [], True), "plain")
    groups = mechanism.groups(found, "read", "plain", ["copy of plain"])
    assert [g.sentence() for g in groups] == [
        "dataclass runs plain's instructions (LOAD_ATTR_INSTANCE_VALUE): no mechanism "
        "separates them",
        "slots, dataclass(slots): LOAD_ATTR_SLOT instead of LOAD_ATTR_INSTANCE_VALUE"]


def test_the_statement_lines_are_those_of_its_first_copy_in_timeits_source():
    setup, stmt = "import gc\ngc.enable()\no = 1", "o.real\no.imag"
    # the source timeit compiles, formatted as timeit.Timer formats it
    source = timeit.template.format(stmt=timeit.reindent("\n".join([stmt] * 3), 8),
                                    setup=timeit.reindent(setup, 4), init="").splitlines()
    lines = specialisation.statement_lines(setup, stmt)
    assert [source[n - 1].strip() for n in lines] == ["o.real", "o.imag"]


def test_only_attribute_and_call_instructions_are_the_mechanism():
    assert all(map(specialisation.is_mechanism, ("LOAD_ATTR", "STORE_ATTR", "DELETE_ATTR",
                                                 "CALL", "PRECALL", "LOAD_METHOD")))
    assert not any(map(specialisation.is_mechanism, ("LOAD_FAST", "BINARY_OP", "POP_TOP")))


@pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10 does not specialise")
def test_an_active_profile_function_is_named_and_nothing_is_read():
    previous = sys.getprofile()
    sys.setprofile(lambda *args: None)
    try:
        why = specialisation.unobservable()
        timer = timeit.Timer("1")
        found = specialisation.read(timer, range(6, 7), [])
        assert found == {"instructions": [], "hidden": why}
    finally:
        sys.setprofile(previous)
    assert "a profile function" in why and why.endswith("was active")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="3.10 does not specialise")
def test_the_code_a_statement_calls_is_found_even_when_it_raises_at_last():
    namespace = {}
    exec(textwrap.dedent(  # pylint: disable=exec-used
        """
        class Holder:
            def __init__(self):
                self.x = 1
            @property
            def twice(self):
                return self.x * 2
        def fail():
            raise ValueError("now and then")
    """), namespace)
    if sys.gettrace() is None:  # under coverage, nothing is profiled (and nothing read)
        found = specialisation.called_code("o = Holder()", "o.twice; Holder(); fail()", namespace)
        assert [c.co_qualname for c in found] == ["Holder.twice", "Holder.__init__", "fail"]
    else:
        assert not specialisation.called_code("pass", "Holder()", namespace)
