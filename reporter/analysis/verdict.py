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

from reporter.vocabulary import VerdictWord

FASTER = VerdictWord.FASTER
SLOWER = VerdictWord.SLOWER
SAME = VerdictWord.SAME
UNDECIDED = VerdictWord.UNDECIDED
UNSUPPORTED = VerdictWord.UNSUPPORTED
WORDS = (FASTER, SLOWER, SAME, UNDECIDED, UNSUPPORTED)

BAND = 0.02
CONFIDENCE = 0.95
RESAMPLES = 2_000
MIN_PAIRED = 6  # paired ratios below which no interval is given


@dataclass(frozen=True)
class Verdict:
    """A word, and the ratio and interval it was read from."""

    word: VerdictWord
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

    def describe(self, words: Optional[dict[VerdictWord, str]] = None) -> str:
        """The word with its ratio and interval, as the pages print it; `words` renames
        faster and slower where the measure is not a time (memory: smaller, larger)."""
        word = (words or {}).get(self.word, self.word.value)
        if self.ratio is None or self.low is None or self.high is None:
            return word
        return (f"{word} ({self.ratio:.2f}×, {level(self.confidence)} interval "
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


def median_interval(values: Sequence[float], confidence: float = CONFIDENCE,
                    minimum: int = MIN_PAIRED
                    ) -> tuple[Optional[float], Optional[float], Optional[float]]:
    """The median with its exact distribution-free interval: the order statistics k and
    n-k+1, k as large as the binomial law allows for `confidence` (the sign test's interval:
    no resampling, no assumption on the spread's shape). None where there are too few values
    to reach the confidence at all."""
    ordered = sorted(values)
    n = len(ordered)
    if n < minimum:
        return None, None, None
    tail = (1 - confidence) / 2
    below, k = 0.0, 0  # P(Binomial(n, 1/2) <= k - 1) while it stays within the tail
    while k < n // 2:
        chance = math.comb(n, k) / 2 ** n
        if below + chance > tail:
            break
        below, k = below + chance, k + 1
    if k == 0:  # too few values for that confidence: the median alone
        return statistics.median(ordered), None, None
    return statistics.median(ordered), ordered[k - 1], ordered[n - k]


def paired_verdict(ratios: Sequence[float], confidence: float = CONFIDENCE,
                   band: float = BAND) -> Verdict:
    """The verdict on paired ratios (each one variant over the baseline, measured side by
    side in one round): their median and its exact interval, read against the band.
    Outliers (a round that caught an interrupt) move a median little."""
    point, low, high = median_interval([r for r in ratios if r > 0], confidence)
    return decide(point, low, high, band=band, confidence=confidence)


def process_verdict(by_process: Sequence[Sequence[float]], confidence: float = CONFIDENCE,
                    band: float = BAND) -> Verdict:
    """The verdict on paired ratios measured in several fresh processes: the median of each
    process's median ratio, with the exact interval of those medians.

    A process is the unit: code placement, hash seeds and address layout differ from one
    interpreter to the next and shift a ratio by a few percent for the whole process, which
    no number of rounds inside it averages out. So the interval comes from the spread between
    processes, and its confidence from how many there are (with n processes, the widest one,
    from the lowest median to the highest, holds with 1 - 2^(1-n): 99.8% for ten).
    """
    medians = [statistics.median(r) for r in by_process if r]
    point, low, high = median_interval(medians, confidence, minimum=2)
    return decide(point, low, high, band=band, confidence=confidence)


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
