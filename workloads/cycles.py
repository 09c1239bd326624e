"""Reference cycles that only the cyclic garbage collector can free, and how to avoid them.

Builds doubly linked lists and parent/child trees and drops them. With back references held
strongly every list and tree is a cycle: reference counting cannot free it, the generational gc
must. Run alone: `python cycles.py [ROUNDS] [--no-gc | --weak-parents]`:

- default: the gc runs as usual and frees the cycles as they pile up;
- `--no-gc`: the gc is disabled, memory grows with every round until one `gc.collect()` at the
  end frees it all;
- `--weak-parents`: back references are `weakref.ref`s, so there are no cycles and reference
  counting frees each structure the moment it is dropped; the gc finds nothing to do.

The reporter runs the three as `SCENARIOS` and compares gc work and peak memory.
"""

import gc
import sys
import weakref

ROUNDS = 100
NODES = 2_000

SCENARIOS = {
    "gc enabled": [],
    "gc disabled, one collect at the end": ["--no-gc"],
    "weakref back-references": ["--weak-parents"],
}
OBSERVATIONS = {}


class Node:
    """A doubly linked list node; `prev` is the back reference."""

    def __init__(self, value):
        self.value = value
        self.prev = None
        self.next = None


class TreeNode:
    """A tree node whose children point back at their parent."""

    def __init__(self, parent=None, weak=False):
        self.children = []
        self.parent = None
        if parent is not None:
            self.parent = weakref.ref(parent) if weak else parent
            parent.children.append(self)


def linked_list(n, weak=False):
    """A doubly linked list of n nodes."""
    head = prev = Node(0)
    for i in range(1, n):
        node = Node(i)
        node.prev = weakref.ref(prev) if weak else prev
        prev.next = node
        prev = node
    return head


def tree(depth, fanout, weak=False):
    """A full tree with back references to the parent."""
    root = TreeNode()
    level = [root]
    for _ in range(depth):
        level = [TreeNode(parent, weak) for parent in level for _ in range(fanout)]
    return root


def main(rounds=ROUNDS, gc_on=True, weak=False):
    """Make and drop structures; count what the gc frees."""
    collected = [0, 0, 0]

    def count(phase, info):
        if phase == "stop":
            collected[info["generation"]] += info["collected"]

    gc.callbacks.append(count)
    if not gc_on:
        gc.disable()
    try:
        for _ in range(rounds):
            linked_list(NODES, weak)
            tree(depth=6, fanout=3, weak=weak)
        final = gc.collect()
    finally:
        gc.enable()
        gc.callbacks.remove(count)
    OBSERVATIONS.update({
        "objects collected per generation while running": dict(zip("012", collected)),
        "objects freed by the final gc.collect()": final,
    })
    print(f"collected per generation {collected}, final collect freed {final}")


if __name__ == "__main__":
    options = [a for a in sys.argv[1:] if a.startswith("--")]
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(numbers[0]) if numbers else ROUNDS, gc_on="--no-gc" not in options,
         weak="--weak-parents" in options)
