"""Parsing `sys._debugmallocstats()` of this and an older CPython, and refusing junk."""

import pytest

from reporter.analysis import pymalloc
from reporter.errors import ArtifactError
from reporter.run.probes import malloc_stats
from tests.conftest import RESOURCES

NEW = (RESOURCES / "mallocstats-cpython-3.11.txt").read_text()
OLD = (RESOURCES / "mallocstats-cpython-3.7.txt").read_text()


def test_parses_this_interpreters_layout():
    stats = pymalloc.parse(NEW)
    assert (stats.threshold, stats.alignment, len(stats.classes)) == (512, 16, 32)
    assert (stats.pool_size, stats.arena_size) == (16 * 1024, 1024 * 1024)
    assert [c.size for c in stats.classes] == list(range(16, 513, 16))
    assert stats.arenas_current > 0 and stats.bytes_in_allocated_blocks > 0
    assert pymalloc.differences_from_classic(stats) == [
        "blocks grow in 16-byte steps, not 8: 32 size classes, not 64",
        "a pool is 16 KiB, not 4 KiB", "an arena is 1 MiB, not 256 KiB"]


def test_parses_an_older_cpythons_layout():
    stats = pymalloc.parse(OLD)
    assert (stats.alignment, len(stats.classes), stats.pool_size, stats.arena_size) == (
        8, 64, 4096, 262144)
    assert (stats.arenas_allocated_total, stats.arenas_reclaimed, stats.arenas_highwater,
            stats.arenas_current) == (95, 46, 49, 49)
    assert stats.bytes_in_allocated_blocks == 12_129_080
    assert stats.classes[3].blocks_in_use == 2680
    assert not pymalloc.differences_from_classic(stats)


def test_class_changes_and_busiest():
    before = pymalloc.parse(OLD)
    after = pymalloc.parse(OLD.replace("    3     32          22            2680",
                                       "    3     32          40            9680"))
    rows = {r["size"]: r for r in pymalloc.class_changes(before, after)}
    assert rows[32]["change"] == 7000 and rows[32]["pools_after"] == 40
    assert rows[8]["change"] == 0
    assert pymalloc.busiest(before, after) == [32]


@pytest.mark.parametrize("text", [
    "", "hello", "Small block threshold = 512, in 0 size classes.",
    "Small block threshold = 512, in 32 size classes.\n    0   1024   1   1   1\n",
    "Small block threshold = 8, in 32 size classes.",
])
def test_junk_is_refused_with_our_error(text):
    with pytest.raises(ArtifactError, match="pymalloc statistics"):
        pymalloc.parse(text)


def test_no_text_means_no_stats():
    assert pymalloc.parse_or_none(None) is None
    assert pymalloc.parse_or_none("") is None


@pytest.mark.parametrize("version", ["3.10", "3.11", "3.12", "3.13"])
def test_parses_each_supported_versions_layout(version):
    stats = pymalloc.parse((RESOURCES / f"mallocstats-cpython-{version}.txt").read_text())
    assert (stats.threshold, stats.alignment) == (512, 16)
    assert (stats.pool_size, stats.arena_size) == (16 * 1024, 1024 * 1024)
    assert {c.size for c in stats.classes} <= set(range(16, 513, 16))
    assert stats.arenas_current > 0 and stats.bytes_in_allocated_blocks > 0


def test_parses_the_running_interpreters_own_statistics():
    stats = pymalloc.parse(malloc_stats())
    assert stats.threshold == 512 and stats.alignment in (8, 16)
    assert [c.size for c in stats.classes] == sorted(c.size for c in stats.classes)
    assert stats.pool_size and stats.arena_size and stats.arenas_current > 0
