"""The code's constants as the pages' prose names them, formatted from the constants."""

from __future__ import annotations

from dataclasses import dataclass

from reporter.analysis.frames import PRUNE_FRACTION
from reporter.analysis.verdict import BAND, CONFIDENCE, FASTER, SLOWER, level, median_interval
from reporter.render.charts import STATIC_TREE_FRACTION
from reporter.render.format import as_percent
from reporter.vocabulary import VerdictWord


@dataclass(frozen=True)
class Terms:
    """The code's constants as the pages' prose names them, formatted from the constants, so
    that changing one changes every sentence that names it."""

    band: str  # the verdicts' band around 1, "±2%" (analysis.verdict.BAND)
    confidence: str  # the level every verdict's interval is held at, "95%"
    prune: str  # the share under which a flame graph's frames are folded (frames.PRUNE_FRACTION)
    static_tree: str  # the same for the call tree printed as text (charts.STATIC_TREE_FRACTION)


TERMS = Terms(band="±" + as_percent(BAND), confidence=level(CONFIDENCE),
              prune=as_percent(PRUNE_FRACTION),
              static_tree=as_percent(STATIC_TREE_FRACTION))


def min_processes(confidence: float, most: int = 64) -> int:
    """The fewest fresh processes whose medians give an interval at `confidence` at all, by
    the verdict's own rule (`median_interval` over one median per process)."""
    n = 2
    while n < most and median_interval([1.0] * n, confidence, minimum=2)[1] is None:
        n += 1
    return n


# A memory verdict's words: larger or smaller, not slower or faster.
MEMORY_WORDS: dict[VerdictWord, str] = {FASTER: "smaller", SLOWER: "larger"}
