"""gc callback rows and object counts summarised, and the collector described as it ran."""

import gc
import sys

from reporter.analysis import gcstats
from reporter.collect import insights
from reporter.results import GcCollection
from reporter.run.records import ProbeRecord
from reporter.run.probes import MemoryProbe
from tests.conftest import RESOURCES

ROWS = [[0.0, 0.001, 0, 5, 0], [0.1, 0.002, 0, 7, 0], [0.2, 0.010, 2, 100, 1],
        [0.3, 0.003, 1, 40, 0]]


def test_generations_total_each_generation():
    rows = gcstats.generations(gcstats.collections(ROWS), [700, 10, 10])
    assert [(g.collections, g.collected, g.uncollectable) for g in rows] == [
        (2, 12, 0), (1, 40, 0), (1, 100, 1)]
    assert rows[0].threshold == 700 and abs(rows[2].time_s - 0.010) < 1e-12
    assert gcstats.generations([], [])[2].threshold == 0


def test_type_growth_puts_the_biggest_growth_first():
    rows = gcstats.type_growth({"dict": 10, "Node": 0}, {"dict": 12, "Node": 500, "list": 3})
    growth = [(r.type_name, r.after - r.before) for r in rows]
    assert growth == [("Node", 500), ("list", 3), ("dict", 2)]


def test_thin_merges_collections_per_slice_of_time_and_keeps_their_totals():
    events = [GcCollection(i / 100, 0.001, 0, 2, 0) for i in range(1000)]
    events.append(GcCollection(5.0, 0.5, 2, 9, 1))
    thinned = gcstats.thin(events, 50)
    assert len(thinned) <= 51 and [e.generation for e in thinned].count(2) == 1
    assert sum(e.count for e in thinned) == 1001
    assert sum(e.collected for e in thinned) == 2009
    assert abs(sum(e.duration_s for e in thinned) - 1.5) < 1e-9
    assert [e.start_s for e in thinned] == sorted(e.start_s for e in thinned)
    # few collections, each in its own slice: unchanged
    few = sorted(events[::100], key=lambda e: (e.start_s, e.generation))
    assert gcstats.thin(few, 50) == few
    # ten times the work, the same size
    longer = [GcCollection(i / 100, 0.001, 0, 2, 0) for i in range(10_000)]
    assert len(gcstats.thin(longer, 50)) == 50


def test_insights_from_a_probe_record():
    text = (RESOURCES / "mallocstats-cpython-3.11.txt").read_text()
    record = {"gc_events": ROWS, "gc_threshold": [700, 10, 10], "mallocstats_before": text,
              "mallocstats_end": text, "objects_before": {"dict": 1}, "objects_end": {"dict": 3},
              "max_rss_kib": 100, "script_started_at": 1000.0,
              "observations": [["hits", 3]]}
    found = insights(ProbeRecord(**record), [[999.0, 1.0], [1000.5, 2048.0]])
    assert found.rss_samples == [[0.5, 2048.0]]
    assert found.max_rss_bytes == 102_400
    assert found.pymalloc_end.alignment == 16 and found.pymalloc_released is None
    assert [(o.name, o.value) for o in found.observations] == [("hits", 3)]


def test_the_collector_is_described_with_the_thresholds_it_ran_with():
    text = gcstats.describe_collector([3, 13, 0], [2000, 10, 10], True)
    assert "Python 3.13 was enabled" in text and "2000 / 10 / 10" in text
    assert "exceed 2,000" in text and "generation 2 after 10 collections of generation 1" in text
    older = gcstats.describe_collector([3, 11, 7], [700, 10, 10], False)
    assert "disabled" in older and "exceed 700" in older
    assert "incremental" in gcstats.describe_collector([3, 14, 0], [2000, 10, 0], True)
    assert "not recorded" in gcstats.describe_collector([3, 12], [], True)


def test_this_interpreters_own_gc_is_what_the_probe_records():
    probe = MemoryProbe()
    probe.start()
    probe.stop()
    data = probe.result()
    assert data.gc_threshold == list(gc.get_threshold())
    assert data.python_version == list(sys.version_info[:3])
    described = insights(data)
    assert len(described.generations) == len(gc.get_stats())
    assert f"exceed {gc.get_threshold()[0]:,}" in described.gc_description
    assert (gc.get_threshold()[0] == 2000) == (sys.version_info >= (3, 13))
