"""Run Python scripts under cProfile, pyinstrument and memray; merge it all into one HTML report."""

from reporter.decorator import profile_deco

__version__ = "0.1.0"

profile = profile_deco  # the short name the README documents
__all__ = ["profile", "profile_deco"]
