"""Time series thinned for drawing: a chart needs a few hundred points, not every sample."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
MOST_POINTS = 400  # about one point per two pixels of our widest chart


def keep_peaks(points: Sequence[T], value: Callable[[T], float],
               most: int = MOST_POINTS) -> list[T]:
    """At most `most` points: each run of consecutive points gives its highest one, so the
    peak is never thinned away and the series keeps its size however long the script ran."""
    step = max(math.ceil(len(points) / most), 1)
    return [max(points[i:i + step], key=value) for i in range(0, len(points), step)]
