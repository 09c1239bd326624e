"""The results model (`schema`) and its file, `results.json` (`store`)."""

from reporter.results.schema import *  # noqa: F401,F403  # pylint: disable=wildcard-import
from reporter.results.schema import FORMAT_VERSION, Run, RunRecord, WorkloadResult  # noqa: F401
from reporter.results.store import load, save, to_json  # noqa: F401
from reporter.serial import from_data, write_atomic  # noqa: F401
