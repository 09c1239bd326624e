"""Recurses three thousand frames deep, far deeper than any tree we draw."""

import sys

sys.setrecursionlimit(10_000)


def down(n):
    """Recurse n times, doing a little work at the bottom."""
    return sum(range(20_000)) if n == 0 else down(n - 1)


for _ in range(20):
    down(3_000)
