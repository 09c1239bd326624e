"""A cache on `weakref.WeakValueDictionary`: entries live only while someone else uses them.

Looks up records by key; a hit returns the cached object, a miss builds it. Objects that nobody
holds any more vanish from the cache on their own. Runs alone: `python weakref_cache.py [N]`.
"""

import random
import sys
import weakref

LOOKUPS = 200_000
KEYS = 5_000


class Record:
    """An expensive-to-build value (weakly referenceable, as plain objects are)."""

    def __init__(self, key):
        self.key = key
        self.payload = [key] * 20


class WeakCache:
    """Maps keys to records without keeping the records alive."""

    def __init__(self):
        self._items = weakref.WeakValueDictionary()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        """The cached record for key, built on a miss."""
        record = self._items.get(key)
        if record is None:
            self.misses += 1
            record = Record(key)
            self._items[key] = record
        else:
            self.hits += 1
        return record

    def __len__(self):
        return len(self._items)


def main(lookups=LOOKUPS):
    """Look up keys while a small working set holds strong references to some records."""
    rng = random.Random(42)
    cache = WeakCache()
    working_set = []
    for _ in range(lookups):
        key = int(rng.expovariate(1 / 400)) % KEYS  # a few hot keys, a long tail
        working_set.append(cache.get(key))
        if len(working_set) > 500:
            del working_set[:250]  # the oldest records lose their last strong reference
    alive = len(cache)
    working_set.clear()
    print(f"hits {cache.hits}, misses {cache.misses}, "
          f"alive while held {alive}, alive after release {len(cache)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else LOOKUPS)
