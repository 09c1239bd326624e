"""Exits with status 3, as a command-line tool reporting an error does."""

import sys

sys.exit(3)
