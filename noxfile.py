"""Sessions named for what a user wants: report, tests, lint, snakeviz."""

from pathlib import Path

import nox

nox.options.sessions = ["report", "tests", "lint"]
nox.options.reuse_existing_virtualenvs = True
# Students have any of these; `nox -s tests` runs on each the machine has and skips the others
# with one line (in CI too: .ci/run selects every one pyenv holds).
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
nox.options.error_on_missing_interpreters = False

LINTED = ["reporter", "workloads", "tests", "noxfile.py"]


@nox.session
def report(session: nox.Session) -> None:
    """Profile the workloads (or the scripts given) and write reports/latest/index.html."""
    session.install(".")
    session.run("python", "-m", "reporter", "run", *session.posargs)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite, with coverage of reporter/ measured in every child process too."""
    session.install(".[test]")
    # One data file per interpreter; children started in other folders write into it too.
    session.env["COVERAGE_FILE"] = str(Path(session.virtualenv.location, ".coverage").resolve())
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", *session.posargs)
    session.run("coverage", "combine", "--quiet")
    session.run("coverage", "report")


@nox.session
def lint(session: nox.Session) -> None:
    """flake8 and pylint, as the course requires, then mypy (strict) on reporter/."""
    session.install(".[lint,test]", "nox")
    session.run("flake8", *LINTED)
    session.run("pylint", *LINTED)
    # Its files and strictness are in pyproject.toml's [tool.mypy].
    session.run("mypy")


@nox.session(default=False)
def snakeviz(session: nox.Session) -> None:
    """Open a workload's cProfile capture from reports/latest in snakeviz (name it to choose)."""
    session.install(".")
    wanted = session.posargs[0] if session.posargs else "*"
    found = sorted(Path("reports/latest/raw").glob(f"{wanted}/cprofile.prof"))
    if not found:
        session.error(f"no cprofile.prof for {wanted!r} in reports/latest: run 'nox -s report'")
    session.run("snakeviz", str(found[0]), *session.posargs[1:])


@nox.session(default=False)
def compare(session: nox.Session) -> None:
    """Compare two report folders: nox -s compare -- BASE NEW [--fail-above PERCENT]."""
    session.install(".")
    session.run("python", "-m", "reporter", "compare", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks that print ratios (never run by the tests): memray path, render, page loads,
    the deep-stack guard, real scripts' report sizes and costs, loading results.json, the
    benchmark's verdicts, the full function table at 10,000 rows, and the line sampler's
    overhead."""
    # pyperformance ships public benchmark scripts to measure real scripts with; only here.
    session.install(".", "playwright", "pyperformance", "pyperf")
    session.run("python", "-m", "reporter", "bench", "workloads/class_variants.py")
    session.run("python", "-m", "tests.bench.bench_memray_path", *session.posargs)
    session.run("python", "-m", "tests.bench.bench_harness")
    session.run("python", "-m", "tests.bench.bench_deep")
    session.run("python", "-m", "tests.bench.bench_scale")
    session.run("python", "-m", "tests.bench.bench_load")
    session.run("python", "-m", "tests.bench.bench_verdicts")
    session.run("python", "-m", "tests.bench.bench_table")
    session.run("python", "-m", "tests.bench.bench_lines")
