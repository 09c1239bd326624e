"""Lines whose cost is known by construction, for the per-line views' truth tests.

- `spin(9 * n)` on the HOT line does 90% of the loop work, `spin(n)` on the COOL line 10%;
- the FREED line allocates 50 MiB that are given back before exit;
- the KEPT line allocates 5 MiB that are still alive at exit.

The markers at the ends of lines are how the tests find them. The same function is also
decorated with `lines=True`, so the decorator's table is tested on the same truth.
"""

import sys

from reporter import profile_deco

MIB = 2**20
WORK = int(sys.argv[1]) if len(sys.argv) > 1 else 150_000


def spin(n):
    """The only CPU work: the same loop for both callers."""
    total = 0
    for i in range(n):
        total += i * i  # SPIN
    return total


@profile_deco(lines=True)
def known(n):
    """Allocate, free, keep, and call spin 9:1. A hostile text: </script><b>bold</b>."""
    kept = bytearray(5 * MIB)  # KEPT
    freed = bytearray(50 * MIB)  # FREED
    del freed
    spin(9 * n)  # HOT
    spin(n)  # COOL
    return kept


KEEP = known(WORK)
