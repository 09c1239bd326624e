"""Reference cycles that only the cyclic garbage collector can free.

Builds doubly linked lists and parent/child trees, drops them, and lets the generational gc find
and free them. Prints what the gc collected. Runs alone: `python cycles.py [ROUNDS]`.
"""

import gc
import sys

ROUNDS = 100
NODES = 2_000


class Node:
    """A doubly linked list node: `prev` and `next` point at each other, a cycle per link."""

    def __init__(self, value):
        self.value = value
        self.prev = None
        self.next = None


class TreeNode:
    """A tree node whose children point back at their parent: a cycle per child."""

    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)


def linked_list(n):
    """A doubly linked list of n nodes; dropping the head leaves all of it to the gc."""
    head = prev = Node(0)
    for i in range(1, n):
        node = Node(i)
        node.prev, prev.next = prev, node
        prev = node
    return head


def tree(depth, fanout):
    """A full tree with back references to the parent."""
    root = TreeNode()
    level = [root]
    for _ in range(depth):
        level = [TreeNode(parent) for parent in level for _ in range(fanout)]
    return root


def main(rounds=ROUNDS):
    """Make and drop cycles; count what the gc frees."""
    collected = [0, 0, 0]

    def count(phase, info):
        if phase == "stop":
            collected[info["generation"]] += info["collected"]

    gc.callbacks.append(count)
    try:
        for _ in range(rounds):
            linked_list(NODES)
            tree(depth=6, fanout=3)
        final = gc.collect()
    finally:
        gc.callbacks.remove(count)
    print(f"collected per generation {collected}, final collect freed {final}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)
