"""Recurses thousands of frames deep (the depth is the first argument), far deeper than we draw."""

import sys

DEPTH = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000
sys.setrecursionlimit(DEPTH + 1_000)


def down(n):
    """Recurse n times, doing a little work at the bottom."""
    return sum(range(20_000)) if n == 0 else down(n - 1)


for _ in range(20):
    down(DEPTH)
