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

import math
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
MIN_PAIRED = 10  # paired ratios below which no interval is given


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
        return (f"{self.word} ({self.ratio:.2f}×, {level(self.confidence)} interval "
                f"{self.low:.2f}–{self.high:.2f}×)")


def level(confidence: float) -> str:
    """A confidence level as people write it: 95%, 99.7%."""
    return f"{100 * confidence:.3g}%"


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


def pseudo_median_interval(values: Sequence[float], confidence: float = CONFIDENCE
                           ) -> tuple[Optional[float], Optional[float], Optional[float]]:
    """The Hodges-Lehmann estimate (the median of all pairwise means) with the interval of
    the Wilcoxon signed-rank test: distribution-free for a symmetric spread, and about as
    tight as a mean's interval on normal data while robust to outliers. None where there are
    too few values (under 10) for the interval to mean anything."""
    n = len(values)
    if n < MIN_PAIRED:
        return None, None, None
    walsh = sorted((values[i] + values[j]) / 2 for i in range(n) for j in range(i, n))
    z = statistics.NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    half = n * (n + 1) / 4
    spread = math.sqrt(n * (n + 1) * (2 * n + 1) / 24)
    k = max(int(math.floor(half - z * spread)), 0)
    return statistics.median(walsh), walsh[k], walsh[len(walsh) - 1 - k]


def paired_verdict(ratios: Sequence[float], confidence: float = CONFIDENCE,
                   band: float = BAND) -> Verdict:
    """The verdict on paired ratios (each one variant over the baseline, measured side by
    side in one round): the Hodges-Lehmann center of their logarithms with its signed-rank
    interval, back on the ratio scale. Logarithms make a slow spell on either side of a pair
    count alike (2x and 0.5x are equally far from 1)."""
    logs = [math.log(r) for r in ratios if r > 0]
    point, low, high = pseudo_median_interval(logs, confidence)
    if point is None or low is None or high is None:
        return decide(None, None, None, band=band, confidence=confidence)
    return decide(math.exp(point), math.exp(low), math.exp(high), band=band,
                  confidence=confidence)


def family_confidence(comparisons: int, confidence: float = CONFIDENCE) -> float:
    """Each interval's level when `comparisons` are made at once (Bonferroni), so that all of
    them hold together with `confidence`."""
    return 1 - (1 - confidence) / max(comparisons, 1)


def compare_samples(base: Sequence[float], new: Sequence[float], band: float = BAND,
                    confidence: float = CONFIDENCE) -> Verdict:
    """The verdict on two unpaired samples of the same measure (new against base)."""
    return decide(*ratio_of_medians(base, new, confidence), band=band, confidence=confidence)


def _percentiles(values: Sequence[float], confidence: float) -> tuple[float, float]:
    ordered = sorted(values)
    tail = (1 - confidence) / 2
    last = len(ordered) - 1
    return ordered[round(tail * last)], ordered[round((1 - tail) * last)]
