"""The homework's profiling decorator: values, errors, counts, nesting, threads, generators."""

import asyncio
import concurrent.futures
import cProfile
import io
import pstats
import sys
import threading
import time

import pytest

from reporter import profile, profile_deco
from reporter import decorator
from reporter.decorator import REGISTRY


def ncalls(func, name):
    """(total calls, primitive calls) of `name` in the decorated function's accumulated stats."""
    stats = func.stats()
    entries = [v for k, v in stats.stats.items() if k[2] == name]  # type: ignore[attr-defined]
    assert len(entries) == 1, entries
    primitive, total, _, _, _ = entries[0]
    return total, primitive


def cumulative(func, name):
    """Cumulative seconds of `name` in the decorated function's stats."""
    stats = func.stats()
    return sum(v[3] for k, v in stats.stats.items() if k[2] == name)  # type: ignore[attr-defined]


def test_returns_what_the_function_returns_with_any_arguments():
    @profile_deco
    def combine(a, b=2, *rest, c=3, **extra):  # pylint: disable=keyword-arg-before-vararg
        """Combines."""
        return (a, b, rest, c, extra)

    assert combine(1) == (1, 2, (), 3, {})
    assert combine(1, 5, 6, 7, c=8, d=9) == (1, 5, (6, 7), 8, {"d": 9})
    assert combine.__name__ == "combine" and combine.__doc__ == "Combines."
    assert combine.__wrapped__(0) == (0, 2, (), 3, {})
    assert combine.profiled.calls == 2
    assert ncalls(combine, "combine") == (2, 2)
    assert profile is profile_deco
    assert combine.profiled in REGISTRY


def test_methods_work_and_count():
    class Counter:
        """Something with a decorated method."""

        def __init__(self):
            self.n = 0

        @profile_deco
        def bump(self, by=1):
            """Add to n."""
            self.n += by
            return self.n

    counter = Counter()
    assert [counter.bump() for _ in range(5)] == [1, 2, 3, 4, 5]
    assert counter.bump(by=10) == 15
    assert ncalls(Counter.bump, "bump") == (6, 6)


def test_raises_what_the_function_raises_and_the_call_still_counts():
    @profile_deco
    def fail(kind):
        raise kind("no")

    for kind in (ValueError, KeyError, SystemExit):
        with pytest.raises(kind):
            fail(kind)
    assert fail.profiled.calls == 3
    assert ncalls(fail, "fail") == (3, 3)


def test_sleep_shows_in_cumulative_time():
    @profile_deco
    def nap():
        time.sleep(0.02)

    nap()
    nap()
    assert cumulative(nap, "nap") >= 0.04


def test_print_stat_prints_the_table_sorted_and_cut():
    @profile_deco
    def work(n):
        return sorted(range(n), key=lambda v: -v)

    for _ in range(3):
        work(100)
    out = io.StringIO()
    work.print_stat(sort="tottime", lines=2, stream=out)
    text = out.getvalue()
    assert text.startswith("test_print_stat_prints_the_table_sorted_and_cut.<locals>.work: 3 calls")
    assert "Ordered by: internal time" in text and "due to restriction <2>" in text
    assert "<lambda>" in work.table()


def test_print_stat_goes_to_stdout_by_default(capsys):
    @profile_deco
    def hello():
        return 1

    hello()
    hello.print_stat()
    assert "hello: 1 call" in capsys.readouterr().out


def test_reset_empties_and_dump_loads_in_pstats(tmp_path):
    @profile_deco
    def square(x):
        return x * x

    for i in range(10):
        square(i)
    square.dump_stat(tmp_path / "square.prof")
    loaded = pstats.Stats(str(tmp_path / "square.prof"))
    table = loaded.stats  # type: ignore[attr-defined]
    assert any(k[2] == "square" and v[1] == 10 for k, v in table.items())
    square.reset_stat()
    assert square.profiled.calls == 0 and square.stats() is None
    with pytest.raises(ValueError, match="no profiled call yet"):
        square.dump_stat(tmp_path / "empty.prof")
    square(3)
    assert ncalls(square, "square") == (1, 1)


def test_recursion_is_profiled_once_by_the_outermost_call():
    @profile_deco
    def fib(n):
        return n if n < 2 else fib(n - 1) + fib(n - 2)

    assert fib(10) == 55
    assert fib.profiled.calls == 177 and fib.profiled.nested_calls == 176
    assert ncalls(fib, "fib") == (177, 1)
    assert "176 inside an outer profiled call" in fib.summary()


def test_two_decorated_functions_calling_each_other():
    @profile_deco
    def is_even(n):
        return True if n == 0 else is_odd(n - 1)

    @profile_deco
    def is_odd(n):
        return False if n == 0 else is_even(n - 1)

    assert is_even(10) and is_odd(7)
    assert is_even.profiled.calls == 6 + 4 and is_odd.profiled.calls == 5 + 4
    # each outermost call profiled its partner's calls too
    assert ncalls(is_even, "is_odd")[0] == 5 and ncalls(is_odd, "is_even")[0] == 4


def test_calls_from_several_threads_are_all_counted():
    @profile_deco
    def tick(n):
        return sum(range(n))

    def worker():
        for _ in range(50):
            tick(1000)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tick.profiled.calls == 200
    if sys.version_info < (3, 12):
        assert ncalls(tick, "tick") == (200, 200)
    else:
        # One cProfile for the whole interpreter: calls in other threads while one thread's
        # call is profiled are counted as inside it, and land in its profile (mostly: a
        # profile can stop between a nested call's check and its start).
        assert tick.profiled.unprofiled_calls == 0
        assert 0 < ncalls(tick, "tick")[0] <= 200


def test_a_generator_is_profiled_across_its_resumes():
    @profile_deco
    def countdown(n):
        try:
            while n:
                time.sleep(0.005)  # work done while resumed, after the creating call returned
                received = yield n
                n = received if received is not None else n - 1
        except KeyError:
            yield "caught"
        finally:
            countdown.closed = True

    assert list(countdown(3)) == [3, 2, 1]
    gen = countdown(5)
    assert next(gen) == 5 and gen.send(2) == 2
    assert gen.throw(KeyError) == "caught"
    gen.close()
    assert countdown.closed
    assert countdown.profiled.calls == 2
    assert cumulative(countdown, "countdown") >= 0.025  # five sleeps, all inside resumes


def test_a_coroutine_is_profiled_step_by_step():
    @profile_deco
    async def fetch(delay):
        busy = sum(range(20_000))
        await asyncio.sleep(delay)
        return busy

    async def main():
        return await asyncio.gather(fetch(0.25), fetch(0.25))

    # In a thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, main()).result() == [sum(range(20_000))] * 2
    assert fetch.profiled.calls == 2
    # The awaited sleeps (0.5 s in all) are not charged to it: its own work is about 1 ms.
    assert cumulative(fetch, "fetch") < 0.25


def test_async_generators_are_refused():
    with pytest.raises(TypeError, match="async generator"):
        @profile_deco
        async def stream():
            yield 1


def test_memory_mode_records_net_and_peak_bytes():
    @profile_deco(memory=True)
    def keep():
        return [0] * 250_000

    @profile_deco(memory=True)
    def churn():
        data = [0] * 250_000
        del data

    kept = keep()
    churn()
    assert len(kept) == 250_000
    (k,) = keep.profiled.memory_per_call
    (c,) = churn.profiled.memory_per_call
    assert k.net >= 2_000_000 and c.net < 10_000 <= 2_000_000 <= c.peak
    out = io.StringIO()
    churn.print_stat(stream=out)
    assert "memory over 1 profiled calls" in out.getvalue()


def test_another_active_profiler_keeps_working():
    @profile_deco
    def inner():
        return sum(range(1000))

    outer = cProfile.Profile()
    outer.enable()
    try:
        inner()
    finally:
        outer.disable()
    assert sys.getprofile() is None
    assert inner.profiled.unprofiled_calls == 1 and inner.stats() is None
    assert "not profiled: another profiler was active" in inner.summary()
    assert any(k[2] == "inner" for k in pstats.Stats(outer).stats)  # type: ignore[attr-defined]


def test_count_only_generators_and_coroutines_are_counted_once_and_not_stepped(monkeypatch):
    monkeypatch.setattr(decorator, "_COUNT_ONLY", True)

    @decorator.profile_deco
    def numbers(n):
        yield from range(n)

    @decorator.profile_deco
    async def answer():
        return 42

    assert sum(numbers(1000)) == 499500
    step = answer()
    with pytest.raises(StopIteration) as done:  # one step: nothing to wait for, no event loop
        step.send(None)  # pylint: disable=no-member  # a coroutine; pylint infers the 42
    assert done.value.value == 42
    for function in (numbers, answer):
        assert function.profiled.calls == 1 and function.profiled.unprofiled_calls == 1
        assert function.stats() is None
