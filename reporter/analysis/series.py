"""Time series thinned for drawing: a chart needs a few hundred points, not every sample."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
MOST_POINTS = 400  # about one point per two pixels of our widest chart


def share(rows: Sequence[Sequence[float]], column: int) -> float:
    """The share of rows whose `column` is not zero (0 where a row is too short to have it:
    a series written before that column existed)."""
    if not rows:
        return 0.0
    return sum(1 for row in rows if len(row) > column and row[column]) / len(rows)


def keep_peaks(points: Sequence[T], value: Callable[[T], float],
               most: int = MOST_POINTS) -> list[T]:
    """At most `most` points: each run of consecutive points gives its highest one, so the
    peak is never thinned away and the series keeps its size however long the script ran."""
    step = max(math.ceil(len(points) / most), 1)
    return [max(points[i:i + step], key=value) for i in range(0, len(points), step)]
