"""A profile function of the script's own, on this thread and on a new one."""
import sys
import threading

COUNTS = {"call": 0}


def counter(frame, event, arg):
    """Count calls, as a homemade profiler would."""
    if event == "call":
        COUNTS["call"] += 1


def build(n):
    """Most of the script's work."""
    return {i: i * i for i in range(n)}


def helper():
    """A little work, counted."""
    return [len(str(i)) for i in range(500)]


def main():
    """Count a stretch of calls, then do the real work unobserved."""
    sys.setprofile(counter)
    for _ in range(50):
        helper()
    sys.setprofile(None)
    threading.setprofile(counter)
    worker = threading.Thread(target=helper)
    worker.start()
    worker.join()
    threading.setprofile(None)
    build(400_000)
    print("calls counted", COUNTS["call"])
    with open("calls.txt", "w", encoding="utf-8") as out:  # into the working folder
        out.write(f"{COUNTS['call']}\n")


main()
