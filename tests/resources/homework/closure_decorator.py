"""A closure decorator with a fresh cProfile per call, its table printed each time."""
import cProfile
import io
import pstats


def profile(func):
    """Profile every call of `func` and print its hottest functions."""
    def wrapper(*args, **kwargs):
        profiler = cProfile.Profile()
        profiler.enable()
        result = func(*args, **kwargs)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(5)
        print(out.getvalue())
        return result
    return wrapper


class Point:
    """A point with plain attributes."""

    def __init__(self, x):
        self.x = x


@profile
def build(n):
    """Most of the script's work."""
    points = []
    for i in range(n):
        points.append(Point(i))
    return points


def main():
    """Build twice, with a little work between."""
    first = build(150_000)
    total = sum(p.x for p in first[:1000])
    second = build(100_000)
    print("built", len(first) + len(second), total)
    del first, second  # freed here: a profiler charges what a return frees to the caller


main()
