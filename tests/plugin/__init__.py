"""A profiler of the test suite's own, outside reporter/: the plug-in seam, run end to end."""
