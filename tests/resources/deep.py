"""Recurses thousands of frames deep, far deeper than we draw: `deep.py [DEPTH [WORK]]`.

At the bottom of each of 20 descents it sums WORK numbers (default 20,000).
"""

import sys

DEPTH = int(sys.argv[1]) if len(sys.argv) > 1 else 3_000
WORK = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
sys.setrecursionlimit(DEPTH + 1_000)


def down(n):
    """Recurse n times, doing a little work at the bottom."""
    return sum(range(WORK)) if n == 0 else down(n - 1)


for _ in range(20):
    down(DEPTH)
