"""A pretend crawler: asyncio tasks that wait (as on a network) and then parse what came back."""

import asyncio
import hashlib
import re

WORDS = re.compile(r"[a-z]+")


async def fetch(i):
    """Wait a little, as a request would, then return a page."""
    await asyncio.sleep(0.001 * (i % 5))
    return " ".join(f"word{i % 97} page{j} lorem ipsum" for j in range(200))


def parse(page):
    """Count words and fingerprint the page: the CPU part."""
    counts = {}
    for word in WORDS.findall(page):
        counts[word] = counts.get(word, 0) + 1
    return hashlib.sha256(page.encode()).hexdigest()[:8], len(counts)


async def crawl(n, limit=20):
    """n pages, at most `limit` in flight."""
    gate = asyncio.Semaphore(limit)

    async def one(i):
        async with gate:
            return parse(await fetch(i))

    return await asyncio.gather(*(one(i) for i in range(n)))


if __name__ == "__main__":
    print(len(asyncio.run(crawl(400))))
