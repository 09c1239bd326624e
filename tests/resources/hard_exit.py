"""Leaves with os._exit: no finally block runs, no profile is written."""

import os

os._exit(0)
