"""A sys.monitoring tool of the script's own, on the profiler's id (Python 3.12+)."""
import sys

CALLS = [0]


def on_start(code, offset):
    """Count function starts."""
    CALLS[0] += 1


def build(n):
    """Most of the script's work."""
    return [i * 2 for i in range(n)]


def main():
    """Count starts while building, with the profiler's own tool id."""
    monitoring = getattr(sys, "monitoring", None)
    if monitoring is not None:
        tool = monitoring.PROFILER_ID
        monitoring.use_tool_id(tool, "homework")
        monitoring.register_callback(tool, monitoring.events.PY_START, on_start)
        monitoring.set_events(tool, monitoring.events.PY_START)
    for _ in range(20):
        build(20_000)
    if monitoring is not None:
        monitoring.set_events(tool, 0)
        monitoring.free_tool_id(tool)
    build(600_000)
    print("starts", CALLS[0])


main()
