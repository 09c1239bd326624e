"""flake8 and pylint on one script, as the homework asks: the real tools, each run as a
subprocess of this child (`sys.executable -m flake8`, `-m pylint`), in the script's folder.

    python -m reporter.run.lint --out PATH --metrics PATH [--timeout SECONDS] -- SCRIPT

Each tool is given the script's own nearest configuration file, found by `find_config`, or
none at all (the tools' defaults): never one of the reporter's own. The search starts in the
script's folder and goes up through its parents; it stops after the first folder that is a
project root (it holds `.git`, `.hg` or `pyproject.toml`), and before the reporter's own
project (the folder that holds the `reporter` package), whose configuration is for the
reporter's code and not a user's script. The file found is passed explicitly (flake8
`--config`, pylint `--rcfile`); with none, flake8 runs `--isolated` and pylint with an empty
rcfile, so that neither tool's own discovery (a user-wide `~/.pylintrc`, `PYLINTRC`) decides.

Findings never change how the run ends: a tool that is not installed, crashes or times out is
said in one line, and the child still exits 0.
"""

from __future__ import annotations

import argparse
import configparser
import importlib.metadata
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from reporter.results.schema import LintFinding, LintTool
from reporter.run.records import RECORDS_VERSION, ChildMetrics, LintRecord
from reporter.vocabulary import Mode

# Each tool's limit: pylint on a long script with many imports takes tens of seconds.
TOOL_TIMEOUT_S = 300.0
# The whole lint job's limit in the runner (not --timeout, which is the script's runs').
JOB_TIMEOUT_S = 2 * TOOL_TIMEOUT_S + 60.0
ROOT_MARKERS = (".git", ".hg", "pyproject.toml")
# The reporter's own project: the folder that holds the `reporter` package.
OWN_PROJECT = Path(__file__).resolve().parents[2]
FLAKE8_FORMAT = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"
_FLAKE8_LINE = re.compile(r"^(?P<path>.+)\t(?P<row>\d+)\t(?P<col>\d+)\t(?P<code>\S+)\t"
                          r"(?P<text>.*)$")


@dataclass(frozen=True)
class Linter:
    """A tool: its name (its distribution's), the module `python -m` runs, and the files
    that configure it, each with the section that makes it a configuration of this tool
    ("" : any such file is)."""

    name: str
    module: str
    configs: tuple[tuple[str, str], ...] = ()


FLAKE8 = Linter("flake8", "flake8", (("setup.cfg", "flake8"), ("tox.ini", "flake8"),
                                     (".flake8", "flake8")))
PYLINT = Linter("pylint", "pylint", (
    ("pylintrc", ""), ("pylintrc.toml", "tool.pylint"), (".pylintrc", ""),
    (".pylintrc.toml", "tool.pylint"), ("pyproject.toml", "tool.pylint"),
    ("setup.cfg", "pylint"), ("tox.ini", "pylint")))
LINTERS = (FLAKE8, PYLINT)


def search_folders(folder: Path) -> list[Path]:
    """The folders searched for a script's configuration, nearest first: its own, then its
    parents, up to the first project root; never the reporter's own project or above it."""
    found: list[Path] = []
    for candidate in [folder.resolve(), *folder.resolve().parents]:
        if candidate == OWN_PROJECT:
            break
        found.append(candidate)
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            break
    return found


def find_config(linter: Linter, folder: Path) -> Optional[Path]:
    """The nearest file that configures the tool, from the script's folder up (see
    `search_folders`); None: the tools' defaults."""
    for candidate in search_folders(folder):
        for name, section in linter.configs:
            path = candidate / name
            if path.is_file() and configures(path, section):
                return path
    return None


_TOML_TABLE = re.compile(r"^\s*\[+\s*(?P<name>[^\]]+?)\s*\]", re.MULTILINE)


def configures(path: Path, section: str) -> bool:
    """Whether the file has that section (`tool.pylint` and its subtables in TOML; `pylint`
    and `pylint.*`, or `flake8` and `flake8:local-plugins`, in an ini file), as the tools
    themselves decide; an unreadable file configures nothing."""
    if not section:
        return True
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if path.suffix == ".toml":
        names = [m.group("name").replace('"', "").replace(" ", "")
                 for m in _TOML_TABLE.finditer(text)]
        return any(n == section or n.startswith(section + ".") for n in names)
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text, str(path))
    except configparser.Error:
        return False
    return any(s == section or s.startswith((section + ".", section + ":"))
               for s in parser.sections())


def installed(linter: Linter) -> bool:
    """Whether this interpreter can import the tool (the one its subprocess runs with)."""
    try:
        return importlib.util.find_spec(linter.module) is not None
    except (ImportError, ValueError):
        return False


def version(linter: Linter) -> str:
    """The tool's installed version, "" if its distribution is not found."""
    try:
        return importlib.metadata.version(linter.name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def arguments(linter: Linter, config: Optional[Path], tool_version: str) -> list[str]:
    """The tool's options: its configuration (or none), and an output we can parse."""
    if linter.module == FLAKE8.module:
        return [*(["--config", str(config)] if config else ["--isolated"]),
                "--exit-zero", f"--format={FLAKE8_FORMAT}"]
    # json2 (pylint >= 3) carries the score; older pylint's json has none.
    major = int(tool_version.split(".")[0]) if tool_version[:1].isdigit() else 3
    return ["--rcfile", str(config) if config else os.devnull, "--persistent=n",
            "--reports=n", "--score=y", f"--output-format={'json2' if major >= 3 else 'json'}"]


def run_tool(linter: Linter, script: Path,
             timeout: float = TOOL_TIMEOUT_S) -> tuple[LintTool, list[LintFinding],
                                                       Optional[float]]:
    """One tool on the script, in its folder: how it ran, its findings, pylint's score."""
    tool = LintTool(linter.name)
    if not installed(linter):
        tool.problem = f"{linter.name} is not installed (in {sys.executable})"
        return tool, [], None
    tool.version = version(linter)
    folder = script.parent
    config = find_config(linter, folder)
    tool.config = str(config) if config else ""
    line = [sys.executable, "-m", linter.module, *arguments(linter, config, tool.version),
            os.path.join(os.curdir, script.name)]  # "./-x.py": never read as an option
    try:
        done = subprocess.run(line, cwd=folder, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout, check=False, env=tool_environment())
    except subprocess.TimeoutExpired:
        tool.problem = f"{linter.name} timed out after {timeout:g} s"
        return tool, [], None
    except OSError as exc:
        tool.problem = f"{linter.name} could not start: {exc}"
        return tool, [], None
    out = done.stdout.decode("utf-8", errors="replace")
    err = done.stderr.decode("utf-8", errors="replace")
    if linter.module == FLAKE8.module:
        findings, score = flake8_findings(out, folder), None
        failed = done.returncode != 0  # --exit-zero: findings alone exit 0
    else:
        parsed = pylint_findings(out, folder)
        failed = parsed is None or bool(done.returncode & 32)  # 32: a usage error
        findings, score = parsed or ([], None)
    if failed:
        tool.problem = (f"{linter.name} failed (exit status {done.returncode}): "
                        f"{last_line(err) or last_line(out) or 'no output'}")
    return tool, findings, score


def tool_environment() -> dict[str, str]:
    """Ours, but for coverage's subprocess hook: the linters are not our code, so a coverage
    run of ours (the test suite's) has nothing to measure in them, only time to lose."""
    return {k: v for k, v in os.environ.items()
            if k not in ("COVERAGE_PROCESS_CONFIG", "COVERAGE_PROCESS_START")}


def last_line(text: str) -> str:
    """The last line with something on it: where a traceback says what went wrong."""
    return next((s.strip() for s in reversed(text.splitlines()) if s.strip()), "")


def flake8_findings(out: str, folder: Path) -> list[LintFinding]:
    """flake8's lines in our `--format`; any other line (a configuration's `show-source`,
    `count` or `statistics`) is not a finding."""
    found = []
    for text in out.splitlines():
        match = _FLAKE8_LINE.match(text)
        if match:
            found.append(LintFinding(
                "flake8", match["code"], match["text"], _absolute(folder, match["path"]),
                int(match["row"]), max(int(match["col"]) - 1, 0)))  # its columns count from 1
    return found


def pylint_findings(out: str, folder: Path) -> Optional[tuple[list[LintFinding],
                                                              Optional[float]]]:
    """pylint's json2 (an object with `messages` and `statistics.score`) or json (a list of
    messages); None if it is neither."""
    try:
        data: Any = json.loads(out)
    except ValueError:
        return None
    score: Optional[float] = None
    if isinstance(data, dict):
        statistics = data.get("statistics")
        found = statistics.get("score") if isinstance(statistics, dict) else None
        score = float(found) if isinstance(found, (int, float)) else None
        data = data.get("messages")
    if not isinstance(data, list):
        return None
    findings = []
    for message in data:
        if not isinstance(message, dict):
            continue
        findings.append(LintFinding(
            "pylint", str(message.get("messageId") or message.get("message-id") or "?"),
            str(message.get("message", "")), _absolute(folder, str(message.get("path", ""))),
            _int(message.get("line")), _int(message.get("column")),
            str(message.get("symbol", ""))))
    return findings, score


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _absolute(folder: Path, path: str) -> str:
    return os.path.normpath(os.path.join(folder, path)) if path else ""


def syntax_error(script: Path) -> tuple[str, int]:
    """Why the script does not compile, and at which line; ("", 0) if it does (or cannot
    be read, which the tools report)."""
    try:
        source = script.read_bytes()
    except OSError:
        return "", 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings are the linters' to report
            compile(source, str(script), "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"{type(exc).__name__}: {exc.msg}", exc.lineno or 0
    except ValueError as exc:  # null bytes, before 3.12
        return f"{type(exc).__name__}: {exc}", 0
    return "", 0


def lint(script: Path, timeout: float = TOOL_TIMEOUT_S,
         linters: Sequence[Linter] = LINTERS) -> LintRecord:
    """Every tool on the script; the findings in order of file, line and tool."""
    script = Path(os.path.abspath(script))
    record = LintRecord(version=RECORDS_VERSION)
    record.syntax_error, record.syntax_line = syntax_error(script)
    if not script.is_file():
        record.tools = [LintTool(linter.name, problem=f"not run: no file {script}")
                        for linter in linters]
        return record
    # The tools run side by side: each waits on its own process, and the job takes the
    # longer one's time instead of their sum.
    with ThreadPoolExecutor(max_workers=max(len(linters), 1)) as pool:
        ran = list(pool.map(lambda linter: run_tool(linter, script, timeout), linters))
    for tool, findings, score in ran:
        record.tools.append(tool)
        record.findings += findings
        record.score = score if score is not None else record.score
    record.findings.sort(key=lambda f: (f.file != str(script), f.file, f.line, f.column,
                                        f.tool, f.code))
    return record


def main(argv: Optional[list[str]] = None) -> int:
    """Lint the script, write the findings and the child's metrics; exit 0 whatever they
    say."""
    parser = argparse.ArgumentParser(prog="reporter.run.lint")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--metrics", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=TOOL_TIMEOUT_S)
    parser.add_argument("script")
    args = parser.parse_args(argv)
    metrics = ChildMetrics(version=RECORDS_VERSION, mode=Mode.LINT, pid=os.getpid(),
                           started_at=time.time())
    started = time.perf_counter()
    lint(Path(args.script), args.timeout).write(args.out)
    metrics.wall_s = time.perf_counter() - started
    metrics.write(args.metrics)
    return 0


if __name__ == "__main__":
    sys.exit(main())
