"""Where a run was made: the interpreter, the platform and the versions of what it used."""

from __future__ import annotations

import datetime
import importlib.metadata
import platform
import sys
from collections.abc import Sequence

from reporter.results import Environment

PACKAGES = ("reporter", "pyinstrument", "memray", "jinja2", "snakeviz", "rich")


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each package, or "not installed"."""
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def environment(packages: Sequence[str] = PACKAGES) -> Environment:
    """The interpreter, platform and package versions the children ran with."""
    return Environment(
        python=platform.python_version(),
        implementation=f"{platform.python_implementation()} {sys.version.split()[0]}",
        platform=platform.platform(),
        executable=sys.executable,
        created=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        packages=package_versions(packages),
    )
