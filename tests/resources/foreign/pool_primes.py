"""Counting primes in two worker processes: the work happens outside the main process."""

from multiprocessing import Pool


def count_primes(bounds):
    """Primes in [low, high) by trial division."""
    low, high = bounds
    found = 0
    for n in range(max(low, 2), high):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            found += 1
    return found


if __name__ == "__main__":
    with Pool(2) as pool:
        print(sum(pool.map(count_primes, [(0, 30_000), (30_000, 60_000)])))
