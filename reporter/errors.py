"""The one error type the command line catches and prints as a single line."""


class ReporterError(Exception):
    """A problem the user can act on: bad input, an unreadable file, a refused format."""

    exit_code = 2


class ArtifactError(ReporterError):
    """A profiler's output file is missing, truncated or not what it claims to be."""
