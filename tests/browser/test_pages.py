"""Report pages opened from a file in Chromium: offline, escaped, and script-free from data."""

from __future__ import annotations

import re
import shutil
import textwrap
import zipfile

import pytest

from reporter import share
from reporter.cli import main
from tests.browser.conftest import cut_labels
from tests.conftest import RESOURCES

pytestmark = pytest.mark.browser

HOSTILE = "</script><img src=x onerror=alert(1)>"
UNICODE = "naïve 名前 🙂 \"quoted\" 'single' &amp;"
HOSTILE_FILE = "x'\"><img src=y onerror=alert(2)>.py"


@pytest.fixture(name="report", scope="module")
def fixture_report(tmp_path_factory):
    """A report of the tiny workload and of a script whose names are hostile HTML."""
    base = tmp_path_factory.mktemp("browser")
    scripts = base / "scripts"
    scripts.mkdir()
    shutil.copy(RESOURCES / "tiny.py", scripts / "tiny.py")
    (scripts / HOSTILE_FILE).write_text(textwrap.dedent(f"""
        import sys
        namespace = {{}}
        exec("def f():\\n    return sum(range(20000))", namespace)
        f = namespace["f"]

        def named(name):  # co_qualname exists since 3.11
            extra = {{"co_qualname": name}} if sys.version_info >= (3, 11) else {{}}
            return f.__code__.replace(co_name=name, **extra)

        f.__code__ = named({HOSTILE!r})
        g = type(f)(named({UNICODE!r}), {{}})
        for _ in range(200):
            f()
            g()
        raise RuntimeError({HOSTILE!r} + {UNICODE!r})
    """))
    main(["run", str(scripts), "--out", str(base / "reports"), "--repeat", "1"])
    return (base / "reports" / "latest").resolve()


def pages_of(report):
    """Every HTML page of the report."""
    return sorted(report.glob("*.html"))


def test_pages_load_nothing_outside_the_report_folder(report, open_page):
    assert len(pages_of(report)) == 3
    for path in pages_of(report):
        page, log = open_page(path)
        assert page.title()
        outside = [u for u in log.requests if not u.startswith(report.as_uri())]
        assert outside == [], path.name
        assert log.errors == [], path.name


def test_hostile_names_show_as_text_and_run_nothing(report, open_page):
    for path in pages_of(report):
        page, log = open_page(path)
        assert log.dialogs == [], path.name
        assert page.locator("img").count() == 0, path.name
        assert not [u for u in log.requests if u.endswith(("/x", "/y"))]
    hostile_page = next(p for p in pages_of(report) if p.name not in ("index.html", "tiny.html"))
    page, _ = open_page(hostile_page)
    text = page.inner_text("body")
    assert HOSTILE in text  # the function name and the exception message, shown as typed
    assert UNICODE in text
    names = page.eval_on_selector_all("g.frame", "gs => gs.map(g => g.getAttribute('data-name'))")
    assert HOSTILE in names  # and drawn in the flame graphs from the escaped JSON
    assert "onerror=alert(2)" in text


def test_without_javascript_the_trees_are_still_readable(report, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((report / "tiny.html").as_uri())
    assert not page.locator("#graph-cpu .flame-toolbar").is_visible()
    tree = page.locator("#graph-cpu .calltree details").first
    assert tree.get_attribute("open") is not None
    assert "spin" in page.inner_text("#graph-cpu .calltree")
    page.locator("#graph-cpu .calltree summary").first.click()
    assert tree.get_attribute("open") is None
    # the charts are plain SVG: memray's memory over time, and the process view's three
    assert page.locator("#memray figure.chart svg polyline").count() == 2
    assert page.locator("#process figure.chart svg polyline").count() >= 6
    context.close()


def test_a_shared_bundle_opens_offline_after_extraction(report, open_page, tmp_path):
    bundle = share.bundle(report)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path)
    extracted = tmp_path / report.name
    pages = sorted(extracted.glob("*.html"))
    assert len(pages) == 3
    for path in pages:
        page, log = open_page(path)
        assert [u for u in log.requests if not u.startswith(extracted.as_uri())] == []
        assert log.errors == [] and log.dialogs == []
        graphs = 0 if path.name == "index.html" else 5
        assert page.locator("figure.flamegraph.live").count() == graphs


def test_every_page_answers_first_and_can_be_moved_around_in(report, open_page):
    index, _ = open_page(report / "index.html")
    cards = index.locator("section.answers article.card")
    assert cards.count() == 2
    assert "wall time" in cards.first.inner_text()
    for path in pages_of(report):
        page, _ = open_page(path)
        targets = page.eval_on_selector_all(
            "a[href^='#']", "links => links.map(a => a.getAttribute('href').slice(1))")
        missing = [t for t in targets
                   if page.locator(f"[id='{t}']").count() == 0]  # ids may hold any character
        assert not missing, (path.name, missing)
        if path.name != "index.html":
            assert page.locator("nav.toc a[href='#runs']").count() == 1
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            home = page.locator("header a.home")
            assert home.is_visible() and home.get_attribute("href") == "index.html"
            assert abs(page.locator("header").bounding_box()["y"]) < 1  # sticky at the top


UNFORMATTED = r"(?<![\d,.:#/x-])\d{5,}(?![\d,])"  # 5+ digits with no thousands separator


def test_no_table_prints_a_big_count_unformatted(report, open_page):
    for path in pages_of(report):
        page, _ = open_page(path)
        cells = page.eval_on_selector_all(
            "table td:not(.id)", "cells => cells.map(c => c.innerText)")  # pids are names
        found = [c for c in cells if re.search(UNFORMATTED, c)]
        assert not found, (path.name, found[:5])


def test_the_full_function_table_sorts_and_filters(report, open_page):
    page, _ = open_page(report / "tiny.html")
    box = page.locator("#cprofile .function-table")
    assert "live" in box.get_attribute("class")
    assert not page.locator("#cprofile .static-tables").is_visible()  # replaced by the full one
    rows = box.locator("tbody tr")
    total = rows.count()
    assert total > 5 and "functions" in box.locator(".function-status").inner_text()
    box.locator("thead button", has_text="calls").click()  # most calls first
    calls = [int(t.split("/")[0].replace(",", "")) for t in
             box.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert calls == sorted(calls, reverse=True)
    box.locator(".function-filter").fill("spin")
    assert 0 < rows.count() < total
    assert all("spin" in t for t in box.locator("tbody tr td:first-child").all_inner_texts())
    box.locator(".function-filter").fill("")
    box.locator(".function-library").check()
    assert all(not t.startswith(("<stdlib>", "<frozen", "built-in"))
               for t in box.locator("tbody tr td:nth-child(2)").all_inner_texts())


def test_charts_have_axes_hover_values_and_an_unclipped_peak(report, open_page):
    page, _ = open_page(report / "tiny.html")
    chart = page.locator("#memray figure.chart svg").first
    ticks = chart.locator("text.tick").all_text_contents()
    assert any(t.endswith(" s") or t.endswith("ms") for t in ticks)  # a time axis
    assert any(t.endswith("B") for t in ticks)  # a size axis
    assert chart.locator("rect.hover title").count() > 0
    label = chart.locator("text.peak-label")
    assert "highest heap sample" in label.text_content()
    inside = page.evaluate("""svg => {
        const box = svg.viewBox.baseVal, text = svg.querySelector("text.peak-label").getBBox();
        return text.x >= box.x && text.x + text.width <= box.x + box.width
            && text.y >= box.y && text.y + text.height <= box.y + box.height;
    }""", chart.element_handle())
    assert inside  # the peak's value is never cut off by the chart's edge


def test_no_chart_label_is_cut_off_at_its_charts_edge(report, open_page):
    for path in pages_of(report):
        page, _ = open_page(path)
        assert not cut_labels(page), path.name
