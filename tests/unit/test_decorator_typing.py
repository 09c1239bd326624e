"""What a type checker sees of `@profile_deco`: the function's own signature, and the methods the
decorator attaches at run time (`print_stat` and the rest), on functions and on methods."""

import textwrap
from pathlib import Path

import pytest

api = pytest.importorskip("mypy.api")  # mypy is in the lint extra, not the test one

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''
import sys
from collections.abc import Iterator
from reporter import profile, profile_deco
from reporter.decorator import ProfiledFunction


@profile_deco
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@profile_deco(memory=True, lines=True)
def squares(n: int, *, start: int = 0) -> list[int]:
    return [i * i for i in range(start, n)]


@profile
def countdown(n: int) -> Iterator[int]:  # a generator
    yield from range(n, 0, -1)


class Counter:
    @profile_deco
    def bump(self, by: int = 1) -> int:
        return by


fib(20)
fib.print_stat()
fib.print_stat(sort=("tottime", "calls"), lines=5, stream=sys.stderr)
fib.dump_stat("fib.prof")
fib.reset_stat()
text: str = fib.table() + fib.summary() + fib.memory_summary()
state: ProfiledFunction = fib.profiled
calls: int = fib.profiled.calls
name: str = fib.__name__
reveal_type(fib)
reveal_type(fib(3))
reveal_type(fib.stats())
reveal_type(fib.__wrapped__)
reveal_type(squares(3, start=1))
reveal_type(Counter().bump(2))
Counter().bump.print_stat()
reveal_type(Counter.bump(Counter(), 2))
'''

REVEALED = [
    'Revealed type is "reporter.decorator.ProfiledCallable[[n: int], int]"',
    'Revealed type is "int"',
    'Revealed type is "pstats.Stats | None"',
    'Revealed type is "def (n: int) -> int"',
    'Revealed type is "list[int]"',
    'Revealed type is "int"',
    'Revealed type is "int"',
]

MISUSED = '''
from reporter import profile_deco


@profile_deco
def fib(n: int) -> int:
    return n


fib("twenty")
fib.print_stats()
'''


def check(snippet: str, tmp_path: Path) -> tuple[str, int]:
    """mypy's report on the snippet (strict, against this checkout's reporter), and its status."""
    source = tmp_path / "snippet.py"
    source.write_text(textwrap.dedent(snippet))
    # Errors inside reporter/ are `nox -s lint`'s to report: here only the user's code counts.
    out, err, status = api.run(["--strict", "--follow-imports", "silent", "--python-version",
                                "3.10", "--cache-dir", str(tmp_path / "cache"),
                                "--config-file", "", str(source)])
    assert not err, err
    return out.replace("builtins.", ""), status  # older mypy qualifies builtin types


def test_a_decorated_function_keeps_its_signature_and_shows_the_attached_methods(
        tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # `reporter` is this checkout's
    out, status = check(SNIPPET, tmp_path)
    revealed = [line.split(": note: ", 1)[1] for line in out.splitlines() if ": note: " in line]
    assert status == 0 and "error" not in out, out
    assert revealed == REVEALED, out


def test_a_wrong_argument_or_a_misspelt_method_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out, status = check(MISUSED, tmp_path)
    assert status == 1, out
    assert 'Argument 1 to "__call__" of "ProfiledCallable" has incompatible type "str"' in out
    assert '"ProfiledCallable[[int], int]" has no attribute "print_stats"' in out
