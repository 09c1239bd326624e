"""The results model (`schema`) and its file, `results.json` (`store`)."""

from reporter.results.schema import *  # noqa: F401,F403  # pylint: disable=wildcard-import
# pylint: disable-next=useless-import-alias  # the `as` form re-exports them, for mypy
from reporter.results.store import load as load, save as save, to_json as to_json  # noqa: F401
