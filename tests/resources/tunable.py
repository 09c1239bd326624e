"""Benchmark cases whose work the arguments set: `tunable.py [LOOPS]` makes "loop" slower."""

import sys

LOOPS = int(sys.argv[1]) if len(sys.argv) > 1 else 400

CASES = [
    {"variant": "plain", "operation": "loop", "stmt": "for _ in t: pass",
     "setup": f"t = (0,) * {LOOPS}"},
    {"variant": "plain", "operation": "sum", "stmt": "sum(t)", "setup": "t = (1,) * 400"},
    {"variant": "plain", "operation": "sorted", "stmt": "sorted(t)",
     "setup": "t = tuple(range(200, 0, -1))"},
]

if __name__ == "__main__":
    print(sum(range(LOOPS)))
