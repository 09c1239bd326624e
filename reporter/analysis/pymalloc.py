"""Parse `sys._debugmallocstats()` text into pymalloc's size classes, pools and arenas.

The format has changed over CPython versions (64 classes of 8 bytes, 4 KiB pools and 256 KiB
arenas before 3.8-3.10; 32 classes of 16 bytes, 16 KiB pools and 1 MiB arenas on 64-bit 3.10+),
so the parser reads what the text says rather than assuming a layout. Anything it cannot read
raises ArtifactError with the line it stopped at.
"""

from __future__ import annotations

import re
from typing import Optional

from reporter.errors import ArtifactError
from reporter.results import PymallocClass, PymallocStats

CLASSIC = {"alignment": 8, "classes": 64, "pool_size": 4096, "arena_size": 256 * 1024}

_HEADER = re.compile(r"Small block threshold = (\d+), in (\d+) size classes")
_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")
_ARENAS = re.compile(r"^(\d+) arenas \* (\d+) bytes/arena")
_POOLS = re.compile(r"^(\d+) unused pools \* (\d+) bytes")
_COUNTER = re.compile(r"^# ([a-z ]+?)\s+=\s+([\d,]+)\s*$")


def parse(text: str) -> PymallocStats:
    """Parse one `_debugmallocstats()` report."""
    header = _HEADER.search(text)
    if header is None:
        raise ArtifactError("pymalloc statistics: no 'Small block threshold' line")
    threshold, count = int(header.group(1)), int(header.group(2))
    if not 0 < count <= threshold:
        raise ArtifactError(f"pymalloc statistics: {count} size classes for {threshold} bytes")
    classes, numbers = _scan(text[header.end():].splitlines())
    if any(c.size > threshold or c.index >= count for c in classes):
        raise ArtifactError("pymalloc statistics: a size class lies outside the threshold")
    return PymallocStats(
        threshold=threshold,
        alignment=threshold // count,
        classes=classes,
        arena_size=numbers.get("arena size", 0),
        pool_size=numbers.get("pool size", 0),
        arenas_allocated_total=numbers.get("arenas allocated total", 0),
        arenas_reclaimed=numbers.get("arenas reclaimed", 0),
        arenas_highwater=numbers.get("arenas highwater mark", 0),
        arenas_current=numbers.get("arenas allocated current", 0),
        bytes_in_allocated_blocks=numbers.get("bytes in allocated blocks", 0),
        bytes_in_available_blocks=numbers.get("bytes in available blocks", 0),
    )


def _scan(lines: list[str]) -> tuple[list[PymallocClass], dict[str, int]]:
    """The size-class rows, and every "# name = number" counter plus arena and pool sizes."""
    classes: list[PymallocClass] = []
    numbers: dict[str, int] = {}
    for line in lines:
        row = _ROW.match(line)
        if row:
            classes.append(PymallocClass(*(int(g) for g in row.groups())))
            continue
        line = line.strip()
        for pattern, name in ((_ARENAS, "arena size"), (_POOLS, "pool size")):
            found = pattern.match(line)
            if found:
                numbers[name] = int(found.group(2))
        counter = _COUNTER.match(line)
        if counter:
            numbers.setdefault(counter.group(1), int(counter.group(2).replace(",", "")))
    return classes, numbers


def parse_or_none(text: Optional[str]) -> Optional[PymallocStats]:
    """`parse`, or None where no text was captured."""
    return parse(text) if text else None


def differences_from_classic(stats: PymallocStats) -> list[str]:
    """Where this interpreter's pymalloc differs from the table most course notes show."""
    found = []
    if stats.alignment != CLASSIC["alignment"]:
        found.append(f"blocks grow in {stats.alignment}-byte steps, not 8: "
                     f"{len(range(stats.alignment, stats.threshold + 1, stats.alignment))} "
                     f"size classes, not 64")
    if stats.pool_size and stats.pool_size != CLASSIC["pool_size"]:
        found.append(f"a pool is {stats.pool_size // 1024} KiB, not 4 KiB")
    if stats.arena_size and stats.arena_size != CLASSIC["arena_size"]:
        found.append(f"an arena is {_kib(stats.arena_size)}, not 256 KiB")
    return found


def _kib(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB" if size % (1024 * 1024) == 0 else f"{size // 1024} KiB"


def class_changes(before: PymallocStats, after: PymallocStats) -> list[dict[str, int]]:
    """Per block size: blocks in use and pools before and after, and the change."""
    old = {c.size: c for c in before.classes}
    rows = []
    for new in after.classes:
        was = old.get(new.size, PymallocClass(new.index, new.size, 0, 0, 0))
        rows.append({"size": new.size, "index": new.index, "pools_before": was.pools,
                     "pools_after": new.pools, "used_before": was.blocks_in_use,
                     "used_after": new.blocks_in_use, "available_after": new.blocks_available,
                     "change": new.blocks_in_use - was.blocks_in_use})
    return rows


def busiest(before: PymallocStats, after: PymallocStats, top: int = 3) -> list[int]:
    """The block sizes whose use grew most: where the script's objects landed."""
    grown = [r for r in class_changes(before, after) if r["change"] > 0]
    return [r["size"] for r in sorted(grown, key=lambda r: -r["change"] * r["size"])[:top]]
