"""Stage three: the results model in, static HTML pages out.

One cached Jinja2 environment with autoescape on: everything from the data is text. Our CSS is
inlined by `include_file`, so a page opened from a file needs nothing else, and no network.
This module writes the pages; `format` says how figures read, `charts` computes geometry,
`views` the sections' view models, `export` the files other tools read.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from collections.abc import Callable
from typing import Any, Optional

import jinja2
from markupsafe import Markup

from reporter.profilers import PROFILERS
from reporter.render.charts import (bars, gc_timeline, is_series, lines, memory_chart,
                                    static_tree, time_axis, tree_rows)
from reporter.render.export import flame_data, pyperf_suite, speedscope
from reporter.render.process import process_view
from reporter.render.source import lines_view
from reporter.render.format import count, percent, plural, ratio, seconds, short_path, size, where
from reporter.render.views import (benchmark_view, function_rows, headline, instance_rows,
                                   instance_size_classes, output_view, own_tools_note,
                                   own_tools_sentences,
                                   pymalloc_view, ratio_marks,
                                   scenario_rows, scenario_sentences, MEMORY_WORDS)
from reporter.profilers.base import OURS, template_path
from reporter.results import FlameGraph, Run, WorkloadResult
from reporter.serial import write_atomic

SPEEDSCOPE_DIR = "speedscope"
PYPERF_DIR = "pyperf"


def render(run: Run, run_dir: Path) -> list[Path]:
    """Write index.html and one page per workload into `run_dir`; return the pages written."""
    env = environment()
    pages = {"index.html": env.get_template("index.html.j2").render(
        run=run, columns=[*OURS, *(n for n in run.profilers if n not in OURS)])}
    python = run.environment.python.split()[0] if run.environment.python else ""
    for workload in run.workloads:
        suite = pyperf_name(workload) if workload.benchmark else None
        pages[page_name(workload)] = env.get_template("workload.html.j2").render(
            run=run, workload=workload, pyperf_link=suite)
        if workload.benchmark and suite:
            (run_dir / PYPERF_DIR).mkdir(exist_ok=True)
            pages[suite] = json.dumps(pyperf_suite(workload.benchmark, python))
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
        run=comparison.new, c=comparison)
    write_atomic(path, html)
    return path


def page_name(workload: WorkloadResult) -> str:
    """A file name for a workload's page that is safe on every file system."""
    return _safe(workload.name) + ".html"


def graphs_of(workload: WorkloadResult) -> list[tuple[str, FlameGraph]]:
    """Every flame graph a workload's page shows, each with a key unique on the page."""
    found = [(graph.name, graph) for record in workload.runs for graph in record.graphs]
    for i, function in enumerate(workload.decorated, 1):
        if function.profile:
            found += [(decorated_key(i, function.name), g) for g in function.profile.graphs]
    return found


def decorated_key(index: int, name: str) -> str:
    """The page key of a decorated function's graph."""
    return f"decorated-{index}-{_safe(name)}"


def speedscope_name(workload: WorkloadResult, key: str) -> str:
    """Where a graph's speedscope export goes, relative to the report folder."""
    return f"{SPEEDSCOPE_DIR}/{_safe(workload.name)}.{_safe(key)}.speedscope.json"


def pyperf_name(workload: WorkloadResult) -> str:
    """Where a benchmark's pyperf suite goes, relative to the report folder."""
    return f"{PYPERF_DIR}/{_safe(workload.name)}.pyperf.json"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


TOP_FUNCTIONS = 25  # rows of the static top tables; the full table has them all


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
    env.globals.update(include_file=include_file, page_name=page_name, tree_rows=tree_rows,
                       percent=percent, plural=plural,
                       flame_data=functools.partial(flame_data, path=short_path),
                       static_tree=static_tree,
                       speedscope_name=speedscope_name, memory_chart=memory_chart,
                       decorated_key=decorated_key, lines_view=lines_view,
                       process_view=process_view, top_functions=TOP_FUNCTIONS,
                       bars=bars, pymalloc_view=pymalloc_view, lines=lines,
                       gc_timeline=gc_timeline, time_axis=time_axis, is_series=is_series,
                       scenario_rows=scenario_rows, scenario_sentences=scenario_sentences,
                       benchmark_view=benchmark_view, ratio_marks=ratio_marks,
                       headline=headline, output_view=output_view,
                       own_tools_note=own_tools_note, own_tools_sentences=own_tools_sentences,
                       function_rows=function_rows, memory_words=MEMORY_WORDS,
                       instance_rows=instance_rows, instance_size_classes=instance_size_classes,
                       profilers=PROFILERS)
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
