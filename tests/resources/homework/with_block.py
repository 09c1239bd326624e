"""cProfile as a context manager around the work, and cProfile.runctx for a second look."""
import cProfile
import weakref


class Node:
    """A node held only through weak references."""

    def __init__(self, i):
        self.i = i


def build(n):
    """Most of the script's work."""
    nodes = [Node(i) for i in range(n)]
    refs = [weakref.ref(x) for x in nodes]
    return sum(1 for r in refs if r() is not None)


def main():
    """Profile the work twice, two ways."""
    with cProfile.Profile() as profiler:
        alive = build(120_000)
    profiler.print_stats("tottime")
    cProfile.runctx("build(60_000)", globals(), {"build": build})
    print("alive", alive)


main()
