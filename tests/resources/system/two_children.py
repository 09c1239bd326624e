"""Burns 0.5 s of CPU in each of two child processes, while the parent waits for them."""

import multiprocessing
import time


def burn(seconds):
    """Spin until this process has used `seconds` of CPU."""
    total = 0
    while time.process_time() < seconds:
        total += 1
    return total


if __name__ == "__main__":
    workers = [multiprocessing.Process(target=burn, args=(0.5,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
