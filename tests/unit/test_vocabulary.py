"""The words the stages pass each other are spelled once, in reporter/vocabulary.py."""

import ast
from pathlib import Path

import pytest

from reporter.vocabulary import GraphKind, Mechanism, Mode, Status, Term, VerdictWord

PACKAGE = Path(__file__).resolve().parents[2] / "reporter"
WORDS = {w.value for kind in (Mode, Status, GraphKind, VerdictWord, Mechanism) for w in kind}
# The same spelling, another meaning: none of these is a run's mode or status.
OTHER_MEANINGS = {
    ("bench", "reporter/cli.py"),  # the `reporter bench` command, and its run's id
    ("profiled", "reporter/decorator.py"),  # the decorated function's attribute
    ("error", "reporter/run/probes.py"),  # the name of an observation that could not be kept
}


def literals():
    """Every string literal of the Python code in reporter/ but the vocabulary, with where it
    is (templates print the words they are given)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "vocabulary.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"


def test_no_word_of_the_vocabulary_is_spelled_outside_it():
    assert not [(value, where) for value, where in literals()
                if value in WORDS and (value, where.split(":")[0]) not in OTHER_MEANINGS]


@pytest.mark.parametrize("word", [*Mode, *Status, *GraphKind, *VerdictWord, *Mechanism])
def test_a_word_prints_and_compares_as_its_value(word):
    assert str(word) == f"{word}" == word.value == word and isinstance(word, Term)


def test_every_status_has_one_label():
    assert len({s.label for s in Status}) == len(Status)
