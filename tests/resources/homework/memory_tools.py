"""memory_profiler's @profile, tracemalloc snapshots, timeit and gc.disable, as homework does."""
import gc
import timeit
import tracemalloc

from memory_profiler import profile


class Plain:
    """A point with plain attributes."""

    def __init__(self, x):
        self.x = x


@profile
def sized(n):
    """A few lines traced by memory_profiler."""
    items = [Plain(i) for i in range(n)]
    del items


def build(n):
    """Most of the script's work."""
    return [Plain(i) for i in range(n)]


def main():
    """Memory first, then timing with the gc off."""
    sized(300)
    tracemalloc.start()
    kept = build(10_000)
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    print("top", snapshot.statistics("lineno")[0])
    gc.disable()
    print("timeit", min(timeit.repeat(lambda: build(20_000), number=1, repeat=5)))
    gc.enable()
    build(600_000)
    print("kept", len(kept))


main()
