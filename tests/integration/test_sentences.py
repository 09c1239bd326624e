"""Every sentence a rendered page states, read back from the page and checked against the
`results.json` of the same run: a pure-function test cannot see what the templates print."""

from __future__ import annotations

import shutil
import textwrap
from html.parser import HTMLParser

import pytest

from reporter import results
from reporter.analysis import bench
from reporter.cli import main
from reporter.results import CProfileSummary, PyinstrumentSummary
from reporter.render.format import percent, plural, seconds
from reporter.render.memory import scenario_rows, scenario_sentences
from tests.conftest import RESOURCES

SCENARIOS = textwrap.dedent("""\
    import sys
    SCENARIOS = {"small": ["1000"], "large": ["400000"]}
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    data = [str(i) for i in range(n)]
""")


class Text(HTMLParser):
    """The text of each <li> in a `ul.conclusions`, and of each paragraph."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.paragraphs: list[str] = []
        self._in_list = 0
        self._item: list[str] | None = None
        self._paragraph: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and ("class", "conclusions") in attrs:
            self._in_list += 1
        elif tag == "li" and self._in_list:
            self._item = []
        elif tag in ("p", "dd"):
            self._paragraph = []

    def handle_endtag(self, tag):
        if tag == "ul" and self._in_list:
            self._in_list -= 1
        elif tag == "li" and self._item is not None:
            self.items.append("".join(self._item).strip())
            self._item = None
        elif tag in ("p", "dd") and self._paragraph is not None:
            self.paragraphs.append(" ".join("".join(self._paragraph).split()))
            self._paragraph = None

    def handle_data(self, data):
        for part in (self._item, self._paragraph):
            if part is not None:
                part.append(data)


@pytest.fixture(name="report", scope="module")
def fixture_report(tmp_path_factory):
    """A benchmark script and a script with scenarios, reported with two profilers."""
    folder = tmp_path_factory.mktemp("sentences")
    shutil.copy(RESOURCES / "bench_cases.py", folder / "bench_cases.py")
    (folder / "sizes.py").write_text(SCENARIOS)
    out = folder / "reports"
    main(["run", str(folder / "bench_cases.py"), str(folder / "sizes.py"), "--out", str(out),
          "--repeat", "3", "--bench-processes", "2", "--profilers", "cprofile,pyinstrument",
          "--no-lint"])
    run_dir = (out / "latest").resolve()
    return run_dir, results.load(run_dir / "results.json")


def page_text(run_dir, workload):
    """The parsed text of a workload's page."""
    parser = Text()
    parser.feed((run_dir / f"{workload.name}.html").read_text())
    return parser


def test_every_conclusion_on_the_page_comes_from_the_numbers(report):
    run_dir, run = report
    for workload in run.workloads:
        expected = []
        if workload.benchmark:
            b = workload.benchmark
            expected += bench.conclusions(b)
            expected += [bench.anatomy(m, b.pymalloc_alignment, b.pymalloc_threshold)
                         for m in b.memory if m.supported]
        expected += scenario_sentences(scenario_rows(workload))
        assert page_text(run_dir, workload).items == expected, workload.name


def test_benchmark_words_follow_the_intervals(report):
    _, run = report
    b = next(w for w in run.workloads if w.benchmark).benchmark
    for line in bench.conclusions(b):
        for timing in b.cases:
            found = bench.verdict(b, timing)
            if found and found.low is not None and f"{timing.variant} ({found.ratio:.2f}×" in line:
                section = line.split(f"{timing.variant} (")[0].rsplit(";", 1)[-1]
                assert found.word.split()[0] in section  # the word it is listed under


def test_figures_in_the_paragraphs_are_those_of_results_json(report):
    run_dir, run = report
    for workload in run.workloads:
        paragraphs = " ".join(page_text(run_dir, workload).paragraphs)
        insights = workload.insights
        assert insights.gc_description in paragraphs
        gc_time = sum(g.time_s for g in insights.generations)
        runs = sum(g.collections for g in insights.generations)
        assert (f"It ran {plural(runs, 'time')} for {seconds(gc_time)} "
                f"({percent(gc_time, workload.insights_run.wall_s)} of the script's") in paragraphs
        for record in workload.profiled:
            if record.profile_as(CProfileSummary):
                p = record.profile
                assert (f"{p.total_calls:,} function calls ({p.primitive_calls:,} primitive) "
                        f"in {seconds(p.total_s)} of profiled time") in paragraphs
            if record.profile_as(PyinstrumentSummary):
                p = record.profile
                assert (f"{p.samples:,} samples over {seconds(p.duration_s)}, at an interval "
                        f"set to {seconds(p.interval_s)}") in paragraphs
                if p.samples:
                    assert f"({seconds(p.duration_s / p.samples)} apart on average" in paragraphs
        timing = workload.timing
        q1, q3 = timing.quartiles
        assert f"{seconds(timing.median)} quartiles {seconds(q1)} – {seconds(q3)}" in paragraphs
