"""A class decorator around one cProfile for all calls, merged with pstats.Stats.add."""
import cProfile
import pstats


class Profiled:
    """Counts and profiles every call of the function it wraps."""

    def __init__(self, func):
        self.func = func
        self.profiler = cProfile.Profile()
        self.calls = 0

    def __call__(self, *args):
        self.calls += 1
        self.profiler.enable()
        try:
            return self.func(*args)
        finally:
            self.profiler.disable()

    def print_stat(self):
        """Print what all calls measured."""
        stats = pstats.Stats(self.profiler)
        stats.add(self.profiler)
        stats.sort_stats("cumulative").print_stats(5)


class Slotted:
    """A point with __slots__."""

    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x


@Profiled
def build(n):
    """Most of the script's work."""
    return [Slotted(i) for i in range(n)]


def main():
    """Three calls, then the accumulated table."""
    for _ in range(3):
        build(80_000)
    build.print_stat()


if __name__ == "__main__":
    main()
