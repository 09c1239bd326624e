"""Stage three: the results model in, static HTML pages out.

One cached Jinja2 environment with autoescape on: everything from the data is text. Our CSS is
inlined by `include_file`, so a page opened from a file needs nothing else, and no network.
This module writes the pages; `format` says how figures read, `charts` computes geometry,
`views` the sections' view models, `export` the files other tools read.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from collections.abc import Callable
from typing import Any, Optional

import jinja2
from markupsafe import Markup

from reporter.profilers import PROFILERS
from reporter.render.export import pyperf_suite, speedscope
from reporter.render.format import count, percent, plural, ratio, seconds, short_path, size, where
from reporter.render.names import (PYPERF_DIR, SPEEDSCOPE_DIR, decorated_key, page_name,
                                   pyperf_name, speedscope_name)
from reporter.render.terms import TERMS
from reporter.render.views import TOP_FUNCTIONS, compare_page, index_page, workload_page
from reporter.profilers.base import template_path
from reporter.results import FlameGraph, Run, WorkloadResult
from reporter.serial import write_atomic

__all__ = ["PYPERF_DIR", "SPEEDSCOPE_DIR", "TOP_FUNCTIONS", "environment", "graphs_of",
           "page_name", "pyperf_name", "render", "render_comparison", "speedscope_name"]


def render(run: Run, run_dir: Path) -> list[Path]:
    """Write index.html and one page per workload into `run_dir`; return the pages written.
    Each page's template gets its view model as `page` (views.py) and lays it out."""
    env = environment()
    pages: dict[str, str] = {}
    cards = {}
    python = run.environment.python.split()[0] if run.environment.python else ""
    for workload in run.workloads:
        suite = pyperf_name(workload) if workload.benchmark else None
        page = workload_page(run, workload, suite)
        cards[workload.name] = page.card
        pages[page_name(workload)] = env.get_template("workload.html.j2").render(
            run=run, page=page)
        if workload.benchmark and suite:
            (run_dir / PYPERF_DIR).mkdir(exist_ok=True)
            pages[suite] = json.dumps(pyperf_suite(workload.benchmark, python))
    pages = {"index.html": env.get_template("index.html.j2").render(
        run=run, page=index_page(run, cards)), **pages}
    (run_dir / SPEEDSCOPE_DIR).mkdir(exist_ok=True)
    for workload in run.workloads:
        for key, graph in graphs_of(workload):
            pages[speedscope_name(workload, key)] = json.dumps(
                speedscope(graph, f"{workload.name}: {graph.title}"), separators=(",", ":"))
    written = []
    for name, text in pages.items():
        write_atomic(run_dir / name, text)
        written.append(run_dir / name)
    return written


def render_comparison(comparison: Any, path: Path) -> Path:
    """Write the comparison page of two runs to `path`."""
    html = environment().get_template("compare.html.j2").render(
        run=comparison.new, c=comparison, page=compare_page(comparison))
    write_atomic(path, html)
    return path


def graphs_of(workload: WorkloadResult) -> list[tuple[str, FlameGraph]]:
    """Every flame graph a workload's page shows, each with a key unique on the page."""
    found = [(graph.name, graph) for record in workload.runs for graph in record.graphs]
    for i, function in enumerate(workload.decorated, 1):
        if function.profile:
            found += [(decorated_key(i, function.name), g) for g in function.profile.graphs]
    return found


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment, with our filters and globals."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.PackageLoader("reporter.render", "templates"),
            # "profiler/NAME": a profiler's section, the template beside its module.
            jinja2.PrefixLoader({"profiler": jinja2.FunctionLoader(_profiler_template)}),
        ]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(seconds=seconds, size=size, ratio=ratio, count=count,
                       short_path=short_path, where=where)
    # Formatting only, and the constants' wording: every figure and view comes in `page`.
    env.globals.update(include_file=include_file, percent=percent, plural=plural, terms=TERMS)
    return env


def _profiler_template(name: str) -> Optional[tuple[str, str, Callable[[], bool]]]:
    """A profiler's section template: source, file, and whether it is still up to date."""
    if name not in PROFILERS:
        return None
    path = template_path(PROFILERS[name])
    return path.read_text(encoding="utf-8"), str(path), lambda: True


def include_file(name: str) -> Markup:
    """Our own static file, inlined verbatim (it is ours, not data)."""
    return Markup(resources.files("reporter.render").joinpath("static").joinpath(name)
                  .read_text(encoding="utf-8"))
