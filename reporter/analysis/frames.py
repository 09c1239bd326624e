"""Small pure functions over call trees, in the spirit of pyinstrument's processors.

Every function takes a `Frame` tree and returns a new one; none mutates its input. The invariant
they keep: a frame's value is its self value plus its children's values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Optional, TypedDict

from reporter.results import Frame

FramePredicate = Callable[[Frame], bool]
OTHER = "[other]"
# Deeper stacks are folded: unreadable in a graph, and they would make every recursive step
# below (and the results file) recurse that deep too.
MAX_DEPTH = 128
# Frames under this share of a tree's total are folded into one "[other]" frame per parent, at
# collect time: a tree is kept as big as it can be drawn and read, not as big as the capture.
# Totals stay exact; the raw capture keeps everything.
PRUNE_FRACTION = 1e-3


def key(frame: Frame) -> tuple[str, str, int]:
    """Identity of a frame for merging: the same function at the same place."""
    return frame.function, frame.file, frame.line


def merge_siblings(children: Iterable[Frame]) -> list[Frame]:
    """Merge children that are the same frame, recursively, keeping first-seen order."""
    merged: dict[tuple[str, str, int], Frame] = {}
    for child in children:
        known = merged.get(key(child))
        if known is None:
            merged[key(child)] = child
        else:
            merged[key(child)] = replace(
                known,
                value=known.value + child.value,
                self_value=known.self_value + child.self_value,
                children=merge_siblings([*known.children, *child.children]),
            )
    return list(merged.values())


def topmost(tree: Frame, wanted: FramePredicate) -> list[Frame]:
    """The highest frames that match: the roots of the part of the tree users care about."""
    found: list[Frame] = []
    stack = [tree]
    while stack:
        frame = stack.pop()
        if wanted(frame):
            found.append(frame)
        else:
            stack.extend(reversed(frame.children))
    return found


def focus(tree: Frame, entry: FramePredicate, name: str) -> Frame:
    """Keep only what the topmost `entry` frames called: cuts the harness above the script.

    Several callees are joined under a synthetic root called `name`; without any entry frame,
    the tree is returned as it is. The entry frames' own time (a sample that caught runpy's
    frame itself, as a trace function can make it) stays in the root, so the root's total is
    the entry frames' total.
    """
    entries = topmost(tree, entry)
    if not entries:
        return tree
    roots = merge_siblings(c for e in entries for c in e.children)
    own = sum(e.self_value for e in entries)
    if len(roots) == 1:  # the script's <module>: the entry's own time is its top level's
        root = roots[0]
        return replace(root, value=root.value + own, self_value=root.self_value + own)
    total = sum(r.value for r in roots) + own
    return Frame(function=name, file="", line=0, value=total, self_value=own, children=roots)


def remove(tree: Frame, unwanted: FramePredicate, own: Optional[str] = None) -> Frame:
    """Splice out unwanted frames: their children move up; their own time goes to the parent,
    or, with `own`, into a leaf of that name under the parent (so a wrapper's cost is shown
    as its own, not as the caller's)."""
    children: list[Frame] = []
    self_value = tree.self_value
    pending = list(tree.children)
    while pending:
        child = pending.pop(0)
        if unwanted(child):
            if own is None:
                self_value += child.self_value
            elif child.self_value:
                children.append(Frame(function=own, file="", line=0, value=child.self_value,
                                      self_value=child.self_value))
            pending[0:0] = child.children
        else:
            children.append(remove(child, unwanted, own))
    return replace(tree, self_value=self_value, children=merge_siblings(children))


def prune(tree: Frame, min_fraction: float, total: float | None = None) -> Frame:
    """Fold children smaller than `min_fraction` of the whole into one "[other]" frame each."""
    total = tree.value if total is None else total
    threshold = total * min_fraction
    kept = [prune(c, min_fraction, total) for c in tree.children if c.value >= threshold]
    small = [c for c in tree.children if c.value < threshold]
    if small:
        rest = sum(c.value for c in small)
        kept.append(Frame(function=f"{OTHER} {len(small)} smaller", file="", line=0,
                          value=rest, self_value=rest))
    return replace(tree, children=kept)


def walk(tree: Frame) -> Iterator[tuple[int, Frame]]:
    """Every frame with its depth, parents before children, without recursion."""
    stack = [(0, tree)]
    while stack:
        depth, frame = stack.pop()
        yield depth, frame
        stack.extend((depth + 1, c) for c in reversed(frame.children))


def size(tree: Frame) -> int:
    """Number of frames in the tree."""
    return sum(1 for _ in walk(tree))


Location = tuple[str, str, int]


class _Node(TypedDict):
    """One frame while `from_stacks` builds: a plain dict, so that building stays cheap."""

    children: dict[Location, _Node]
    value: float
    self: float


def from_stacks(samples: Iterable[tuple[Iterable[Location], float]], name: str,
                min_fraction: float = 0.0) -> Frame:
    """Build a tree from (stack from the root down, value) pairs, under a root called `name`;
    `prune(tree, min_fraction)` on the way, without making the frames it would fold."""
    # A dict per node while building keeps insertion linear in the total stack length.
    root: _Node = {"children": {}, "value": 0.0, "self": 0.0}
    for stack, value in samples:
        node = root
        node["value"] += value
        for location in stack:
            children = node["children"]
            found = children.get(location)
            if found is None:
                found = children[location] = {"children": {}, "value": 0.0, "self": 0.0}
            node = found
            node["value"] += value
        node["self"] += value
    return _freeze((name, "", 0), root, root["value"] * min_fraction)


def _freeze(location: Location, root: _Node, threshold: float) -> Frame:
    """Turn the building dicts into Frames without recursion (stacks can be thousands deep);
    children under `threshold` become one "[other]" frame per parent, as `prune` makes."""
    def make(loc: Location, node: _Node) -> Frame:
        return Frame(function=loc[0], file=loc[1], line=loc[2], value=node["value"],
                     self_value=node["self"])

    top = make(location, root)
    pending = [(top, root)]
    while pending:
        frame, node = pending.pop()
        small, rest = 0, 0.0
        for loc, child in node["children"].items():
            if child["value"] < threshold:
                small, rest = small + 1, rest + child["value"]
                continue
            built = make(loc, child)
            frame.children.append(built)
            pending.append((built, child))
        if small:
            frame.children.append(Frame(function=f"{OTHER} {small} smaller", file="", line=0,
                                        value=rest, self_value=rest))
    return top


def stacks(tree: Frame) -> Iterator[tuple[list[Frame], float]]:
    """The inverse of `from_stacks`: every path from the root with the self value at its end."""
    path: list[Frame] = []
    for depth, frame in walk(tree):
        del path[depth:]
        path.append(frame)
        if frame.self_value > 0:
            yield list(path), frame.self_value


def cap_depth(samples: Iterable[tuple[list[Location], float]],
              max_depth: int = MAX_DEPTH) -> Iterator[tuple[list[Location], float]]:
    """Stacks (root first) cut at `max_depth`, the cut part named by one "[N deeper]" frame."""
    for stack, value in samples:
        if len(stack) > max_depth:
            hidden = len(stack) - max_depth + 1
            stack = [*stack[:max_depth - 1], (f"[{hidden} deeper frames]", "", 0)]
        yield stack, value
