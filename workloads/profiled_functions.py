"""The homework's profiling decorator at work on a recursive function, a memory-hungry one, a
generator and one traced line by line; each prints what it accumulated over all its calls.

Run alone: `python profiled_functions.py [N]`. Under the reporter, the unprofiled runs keep what
the decorated functions accumulated, and the workload's page shows it in its own section.
"""

import sys

from reporter import profile_deco


@profile_deco
def fib(n):
    """Naive Fibonacci: each call below the first is counted in the outermost call's profile."""
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@profile_deco(memory=True)
def table(n):
    """A dict of n strings: the memory mode records what each call leaves allocated."""
    return {i: str(i) * 3 for i in range(n)}


@profile_deco
def running_mean(values):
    """A generator: every resume is profiled, not only the call that creates it."""
    total = 0.0
    for count, value in enumerate(values, 1):
        total += value
        yield total / count


@profile_deco(lines=True)
def build_index(n):
    """lines=True: hits, time and memory per line of the function, as memory_profiler prints."""
    words = [f"word{i % 1000}" for i in range(n)]
    index = {}
    for position, word in enumerate(words):
        index.setdefault(word, []).append(position)
    scratch = bytearray(8 * 2**20)  # 8 MiB at its peak, given back by the next line
    del scratch
    return index


def main(n=18):
    """Call each decorated function several times, then print their statistics."""
    for _ in range(5):
        fib(n)
    tables = [table(20_000) for _ in range(3)]
    means = list(running_mean(range(100_000)))
    indexes = [build_index(20_000) for _ in range(3)]
    for function in (fib, table, running_mean, build_index):
        function.print_stat(lines=5)
    print(f"{len(tables)} tables, {len(indexes)} indexes, last mean {means[-1]}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 18)
