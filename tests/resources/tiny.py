"""A tiny workload with a few functions, a lambda, allocations, and its argv echoed back."""

import json
import sys


class Point:
    """Some objects to allocate."""

    def __init__(self, x, y):
        self.x = x
        self.y = y


def build(n):
    """Allocate n points; the list survives to the end (memray sees it at exit)."""
    return [Point(i, -i) for i in range(n)]


def spin(n):
    """Burn a little CPU in a function of its own."""
    total = 0
    for i in range(n):
        total += (lambda v: v * v)(i)
    return total


KEEP = build(20_000)
spin(200_000)
print(json.dumps({"argv": sys.argv, "name": __name__, "path0": sys.path[0]}))
