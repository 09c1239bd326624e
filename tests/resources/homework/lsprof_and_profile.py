"""_lsprof.Profiler used directly, then the pure-Python profile module on a little work."""
import _lsprof
import profile


def build(n):
    """Most of the script's work."""
    return [str(i) * 3 for i in range(n)]


def small():
    """A little work for the slow profile module."""
    return sorted(range(2000), key=lambda x: -x)


def main():
    """Both profilers, each printing what it saw."""
    raw = _lsprof.Profiler()
    raw.enable()
    build(300_000)
    raw.disable()
    print("entries", len(raw.getstats()))
    slow = profile.Profile()
    slow.runcall(small)
    slow.print_stats("cumulative")


main()
