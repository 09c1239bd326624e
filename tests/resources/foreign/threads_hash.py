"""Hashing files' worth of bytes in a thread pool: hashlib releases the GIL on big buffers."""

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor


def digest(block):
    """sha256 of one block, a few times over."""
    value = block
    for _ in range(20):
        value = hashlib.sha256(value).digest() + block[:1024]
    return value[:8].hex()


def main():
    blocks = [os.urandom(256 * 1024) for _ in range(32)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(digest, blocks))
    print(len(results), results[0])


if __name__ == "__main__":
    main()
