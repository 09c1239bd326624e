"""Run Python scripts under cProfile, pyinstrument and memray; merge it all into one HTML report."""

__version__ = "0.1.0"
