"""Run folders: made under a temporary name, moved into place whole, `latest` switched last.

A reader of `reports/` therefore sees finished reports only, and `latest` never points at a
report that a crash left half-written.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

LATEST = "latest"
PARTIAL = ".partial"


def new_run_dir(out: Path) -> Path:
    """Create a fresh, uniquely named working folder for a run (safe for runs started at once)."""
    out.mkdir(parents=True, exist_ok=True)
    while True:
        run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
        work = out / f".{run_id}{PARTIAL}"
        try:
            work.mkdir()
        except FileExistsError:
            continue
        (work / "raw").mkdir()
        return work


def run_id_of(work: Path) -> str:
    """The run id of a working folder made by `new_run_dir`."""
    return work.name.removeprefix(".").removesuffix(PARTIAL)


def publish(work: Path, point_latest: bool = True) -> Path:
    """Move a finished working folder to its final name, then point `latest` at it."""
    final = work.with_name(run_id_of(work))
    os.replace(work, final)
    if point_latest:
        link = final.parent / LATEST
        tmp = final.parent / f".{LATEST}.{secrets.token_hex(4)}"
        tmp.symlink_to(final.name, target_is_directory=True)
        os.replace(tmp, link)
    return final
