"""One vocabulary for every comparison the report states, and one rule that picks the word.

A comparison is a ratio (new over base, or a variant over the baseline) with a confidence
interval. The word follows from where the interval lies against a band of ±2% around 1:

- *faster* or *slower*: the whole interval lies beyond the band;
- *the same*: the whole interval lies inside the band;
- *undecided*: the interval straddles an edge of the band (the data cannot tell);
- *not supported*: there is nothing to measure (a variant that cannot do the operation).

Benchmarks, scenarios and `compare` all use `decide`, so a sentence means the same everywhere.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

FASTER = "faster"
SLOWER = "slower"
SAME = "the same"
UNDECIDED = "undecided"
UNSUPPORTED = "not supported"
WORDS = (FASTER, SLOWER, SAME, UNDECIDED, UNSUPPORTED)

BAND = 0.02
CONFIDENCE = 0.95
RESAMPLES = 2_000


@dataclass(frozen=True)
class Verdict:
    """A word, and the ratio and interval it was read from."""

    word: str
    ratio: Optional[float] = None
    low: Optional[float] = None
    high: Optional[float] = None
    confidence: float = CONFIDENCE

    @property
    def decided(self) -> bool:
        """True for faster, slower and the same: the data settled it."""
        return self.word in (FASTER, SLOWER, SAME)

    @property
    def css(self) -> str:
        """A class name for the word."""
        return "verdict-" + self.word.replace(" ", "-")

    def describe(self) -> str:
        """The word with its ratio and interval, as the pages print it."""
        if self.ratio is None or self.low is None or self.high is None:
            return self.word
        return (f"{self.word} ({self.ratio:.2f}×, {self.confidence:.0%} interval "
                f"{self.low:.2f}–{self.high:.2f}×)")


def decide(ratio: Optional[float], low: Optional[float], high: Optional[float],
           band: float = BAND, confidence: float = CONFIDENCE) -> Verdict:
    """The word for a ratio whose confidence interval is [low, high]."""
    if ratio is None or low is None or high is None:
        return Verdict(UNDECIDED, ratio, low, high, confidence)
    if high < 1 - band:
        word = FASTER
    elif low > 1 + band:
        word = SLOWER
    elif low >= 1 - band and high <= 1 + band:
        word = SAME
    else:
        word = UNDECIDED
    return Verdict(word, ratio, low, high, confidence)


def unsupported() -> Verdict:
    """The verdict for a case that could not be measured at all."""
    return Verdict(UNSUPPORTED)


def ratio_of_medians(base: Sequence[float], new: Sequence[float],
                     confidence: float = CONFIDENCE, resamples: int = RESAMPLES,
                     seed: int = 0) -> tuple[Optional[float], Optional[float], Optional[float]]:
    """median(new) / median(base) with a percentile bootstrap interval (unpaired samples).

    Needs at least three values on each side; the seed is fixed so a report is reproducible.
    """
    if len(base) < 3 or len(new) < 3 or not statistics.median(base):
        return None, None, None
    point = statistics.median(new) / statistics.median(base)
    rng = random.Random(seed)
    ratios = []
    for _ in range(resamples):
        b = statistics.median(rng.choices(base, k=len(base)))
        n = statistics.median(rng.choices(new, k=len(new)))
        if b:
            ratios.append(n / b)
    return (point, *_percentiles(ratios, confidence))


def compare_samples(base: Sequence[float], new: Sequence[float], band: float = BAND,
                    confidence: float = CONFIDENCE) -> Verdict:
    """The verdict on two unpaired samples of the same measure (new against base)."""
    return decide(*ratio_of_medians(base, new, confidence), band=band, confidence=confidence)


def _percentiles(values: Sequence[float], confidence: float) -> tuple[float, float]:
    ordered = sorted(values)
    tail = (1 - confidence) / 2
    last = len(ordered) - 1
    return ordered[round(tail * last)], ordered[round((1 - tail) * last)]
