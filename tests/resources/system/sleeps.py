"""Sleeps for most of its time: one second asleep, a few milliseconds of work."""

import time

time.sleep(1.0)
print(sum(range(10_000)))
