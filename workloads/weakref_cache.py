"""A cache on `weakref.WeakValueDictionary`: entries live only while someone else uses them.

Looks up records by key; a hit returns the cached object, a miss builds it. A small working set
holds strong references to recent records; when a record leaves it and nothing else holds it, it
vanishes from the weak cache by itself. The same lookups then go through a plain `dict` cache
(which keeps every record forever) and a `functools.lru_cache` of the working set's size (which
keeps the most recent ones), each under tracemalloc, so the memory each retains is measured.
Run alone: `python weakref_cache.py [LOOKUPS]`.
"""

import functools
import random
import sys
import tracemalloc
import weakref

LOOKUPS = 100_000
KEYS = 5_000
WORKING_SET = 500
SAMPLE_EVERY = 1_000

OBSERVATIONS = {}


class Record:
    """An expensive-to-build value (weakly referenceable, as plain objects are)."""

    def __init__(self, key):
        self.key = key
        self.payload = [key] * 20


class WeakCache:
    """Maps keys to records without keeping the records alive."""

    def __init__(self):
        self._items = weakref.WeakValueDictionary()
        self._seen = set()
        self.hits = self.misses = self.vanished = 0

    def get(self, key):
        """The cached record for key, built on a miss."""
        record = self._items.get(key)
        if record is not None:
            self.hits += 1
            return record
        self.misses += 1
        if key in self._seen:
            self.vanished += 1  # it was cached, and its last strong reference died since
        self._seen.add(key)
        record = self._items[key] = Record(key)
        return record

    def __len__(self):
        return len(self._items)


class DictCache:
    """The same interface on a plain dict: nothing ever leaves it."""

    def __init__(self):
        self._items = {}
        self.hits = self.misses = 0

    def get(self, key):
        """The cached record for key, built on a miss."""
        record = self._items.get(key)
        if record is None:
            self.misses += 1
            record = self._items[key] = Record(key)
        else:
            self.hits += 1
        return record

    def __len__(self):
        return len(self._items)


class LruCache:
    """functools.lru_cache around the constructor, bounded to the working set's size."""

    def __init__(self):
        self.get = functools.lru_cache(maxsize=WORKING_SET)(Record)

    def __len__(self):
        return self.get.cache_info().currsize


def keys(lookups, seed=42):
    """A few hot keys and a long tail, the same sequence for every cache."""
    rng = random.Random(seed)
    return [int(rng.expovariate(1 / 400)) % KEYS for _ in range(lookups)]


def drive(cache, sequence):
    """Look up every key while a working set holds the most recent records; sample the size."""
    working_set, sizes = [], []
    for i, key in enumerate(sequence):
        working_set.append(cache.get(key))
        if len(working_set) > WORKING_SET:
            del working_set[:WORKING_SET // 2]  # the oldest records lose this strong reference
        if i % SAMPLE_EVERY == 0:
            sizes.append(len(cache))
    working_set.clear()
    return sizes


def measured(cache, sequence):
    """Drive a cache under tracemalloc: (entries over time, bytes retained, peak bytes)."""
    tracemalloc.start()
    sizes = drive(cache, sequence)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return sizes, retained, peak


def refcounts():
    """What caching does to a record's reference count: a weak reference adds nothing."""
    record = Record(-1)
    alone = sys.getrefcount(record) - 1  # minus getrefcount's own argument
    weak = weakref.WeakValueDictionary({-1: record})
    in_weak = sys.getrefcount(record) - 1
    strong = {-1: record}
    in_dict = sys.getrefcount(record) - 1
    del weak, strong
    return {"held by one variable": alone, "also in a WeakValueDictionary": in_weak,
            "also in a dict": in_dict}


def main(lookups=LOOKUPS):
    """The weak cache first, then the same work through a dict and an lru_cache."""
    sequence = keys(lookups)
    caches = {"WeakValueDictionary": WeakCache(), "dict": DictCache(), "lru_cache": LruCache()}
    series, retained, peaks = {}, {}, {}
    for name, cache in caches.items():
        series[name], retained[name], peaks[name] = measured(cache, sequence)
    weak = caches["WeakValueDictionary"]
    OBSERVATIONS.update({
        "lookups": lookups,
        "hits": weak.hits,
        "misses": weak.misses,
        "misses of entries that had vanished": weak.vanished,
        "entries left once the working set is released": len(weak),
        f"entries present, every {SAMPLE_EVERY} lookups": series,
        "bytes retained by the cache after the work": retained,
        "peak bytes while working": peaks,
        "reference count of a record": refcounts(),
    })
    print(f"hits {weak.hits}, misses {weak.misses}, vanished {weak.vanished}; retained bytes "
          + ", ".join(f"{name} {size}" for name, size in retained.items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else LOOKUPS)
