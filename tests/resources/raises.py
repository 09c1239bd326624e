"""Raises after doing some work, so its profile must still be saved."""


def work():
    """Something to see in the profile."""
    return sum(i * i for i in range(50_000))


work()
raise ValueError("workload failed on purpose")
