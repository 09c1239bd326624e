"""A benchmark's page in Chromium: why each verdict, beside the control's noise; no chart
label cut off at its edge."""

from __future__ import annotations

import shutil

import pytest

from reporter.cli import main
from tests.browser.conftest import cut_labels
from tests.conftest import RESOURCES

pytestmark = pytest.mark.browser


@pytest.fixture(name="report", scope="module")
def fixture_report(tmp_path_factory):
    """A report of the attribute paths' benchmark, with two short timing processes."""
    base = tmp_path_factory.mktemp("bench-page")
    shutil.copy(RESOURCES / "attribute_paths.py", base / "attribute_paths.py")
    main(["run", str(base / "attribute_paths.py"), "--out", str(base / "reports"),
          "--repeat", "3", "--profilers", "cprofile", "--bench-processes", "2",
          "--bench-budget", "0.3"])
    return (base / "reports" / "latest").resolve()


def pages_of(report):
    """Every HTML page of the report."""
    return sorted(report.glob("*.html"))


def test_no_chart_label_is_cut_off_at_its_charts_edge(report, open_page):
    for path in pages_of(report):
        page, _ = open_page(path)
        assert not cut_labels(page), path.name


def test_the_benchmark_says_why_beside_its_measured_noise(report, open_page):
    page, _ = open_page(report / "attribute_paths.html")
    why = page.locator("#benchmark-why + p")
    lines = page.locator("div.why ul.mechanisms li").all_inner_texts()
    assert any("copy of plain, the control" in line for line in lines)
    # the suite's children run under coverage's tracer: no instruction is claimed then
    if "could not be observed" in why.inner_text():
        assert "was active" in why.inner_text() or "does not specialise" in why.inner_text()
        assert not any("instead of" in line or "no mechanism" in line for line in lines)
    else:
        assert any("LOAD_ATTR_SLOT instead of LOAD_ATTR_INSTANCE_VALUE" in line
                   for line in lines)
    # two processes give no interval: the control's noise is said to be unmeasured, and
    # every verdict is undecided, each named on the index with its reason
    assert any("too few processes for an interval" in line for line in lines)
    index, _ = open_page(report / "index.html")
    answer = index.locator("article.card .answer").inner_text()
    assert "undecided: slots (" in answer and "noise" not in answer
