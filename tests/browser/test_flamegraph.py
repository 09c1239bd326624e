"""The flame graph component in Chromium: draws, zooms, searches, flips, stays small."""

from __future__ import annotations

import shutil

import pytest

from reporter import render
from reporter.analysis import compare
from reporter.cli import main
from reporter.results import FlameGraph
from tests.conftest import RESOURCES
from tests.synthetic import big_tree, run_with_graph

pytestmark = pytest.mark.browser


@pytest.fixture(name="tiny_page", scope="module")
def fixture_tiny_page(tmp_path_factory):
    """The tiny workload's page under every profiler."""
    base = tmp_path_factory.mktemp("flame")
    shutil.copy(RESOURCES / "tiny.py", base / "tiny.py")
    main(["run", str(base / "tiny.py"), "--out", str(base / "reports"), "--repeat", "1"])
    return (base / "reports" / "latest" / "tiny.html").resolve()


def frame_box(page, selector):
    """x and width of the first frame rectangle matching the selector."""
    script = "r => [r.x.baseVal.value, r.width.baseVal.value]"
    return page.eval_on_selector(selector + " rect", script)


def test_every_graph_draws(tiny_page, open_page):
    page, log = open_page(tiny_page)
    figures = page.locator("figure.flamegraph")
    assert figures.count() == 5
    for i in range(figures.count()):
        figure = figures.nth(i)
        assert "live" in figure.get_attribute("class")
        assert figure.locator("svg g.frame").count() > 1
    assert log.errors == []


def test_click_zooms_until_reset(tiny_page, open_page):
    page, _ = open_page(tiny_page)
    graph = "#graph-cpu"
    width = page.eval_on_selector(graph + " svg", "s => s.width.baseVal.value")
    spin = graph + ' g.frame[data-name="spin"]'
    x, w = frame_box(page, spin)
    assert w < width - 1
    page.click(spin)
    x, w = frame_box(page, spin)
    assert x == 0 and w == pytest.approx(width, abs=1)
    assert "zoomed into spin" in page.inner_text(graph + " .flame-status")
    assert page.locator(graph + " g.ancestor").count() >= 1
    page.click(graph + " .flame-reset")
    _, w = frame_box(page, spin)
    assert w < width - 1


def test_search_highlights_and_reports_the_share(tiny_page, open_page):
    page, _ = open_page(tiny_page)
    graph = "#graph-cpu"
    page.fill(graph + " .flame-search", "lambda")
    assert page.locator(graph + " g.match").count() >= 1
    status = page.inner_text(graph + " .flame-status")
    assert "“lambda” matches" in status and "% of the total" in status
    page.fill(graph + " .flame-search", "no-such-function")
    assert page.locator(graph + " g.match").count() == 0
    assert "matches nothing" in page.inner_text(graph + " .flame-status")


def test_flip_turns_the_flame_into_an_icicle(tiny_page, open_page):
    page, _ = open_page(tiny_page)
    root = '#graph-cpu g.frame[data-name="<module>"] rect'
    flame_y = page.eval_on_selector(root, "r => r.y.baseVal.value")
    page.click("#graph-cpu .flame-flip")
    assert page.eval_on_selector(root, "r => r.y.baseVal.value") == 0 < flame_y


def test_tooltip_names_the_frame(tiny_page, open_page):
    page, _ = open_page(tiny_page)
    page.hover('#graph-memory-peak g.frame[data-name="build"]')
    tooltip = page.locator("#graph-memory-peak .flame-tooltip")
    assert tooltip.is_visible()
    text = tooltip.inner_text()
    assert "build" in text and "tiny.py" in text and "total" in text and "iB" in text


def test_a_hundred_thousand_frames_render_as_a_bounded_picture(tmp_path, open_page):
    graph = FlameGraph("cpu", "big", "seconds", big_tree(100_000))
    render.render(run_with_graph(graph), tmp_path)
    page, log = open_page(tmp_path / "big.html")
    drawn = page.locator("#graph-cpu g.frame").count()
    assert 1 < drawn < 10_000
    assert page.locator("#graph-cpu g.other").count() >= 1
    deepest = page.locator("#graph-cpu g.frame:not(.other)").last
    deepest.click()
    assert page.locator("#graph-cpu g.ancestor").count() >= 1
    assert log.errors == []


def test_a_comparison_page_draws_its_difference_graph(tmp_path, open_page):
    base = big_tree(2_000, seed=1)
    new = big_tree(2_000, seed=1)
    new.children[0].value *= 3  # one frame grew (its parent is not rebalanced: it only colours)
    found = compare.compare(run_with_graph(FlameGraph("cpu", "CPU", "seconds", base)),
                            run_with_graph(FlameGraph("cpu", "CPU", "seconds", new)))
    page, log = open_page(render.render_comparison(found, tmp_path / "compare.html"))
    assert log.errors == [] and log.requests == [(tmp_path / "compare.html").as_uri()]
    grown = page.locator('figure.flamegraph g.frame[data-name="function_0"] rect').first
    assert grown.get_attribute("fill").startswith("hsl(0,")  # red: it grew
    grown.hover()
    assert "against the base" in page.inner_text("figure.flamegraph .flame-tooltip")


def test_the_keyboard_reaches_and_zooms_every_frame(tiny_page, open_page):
    page, _ = open_page(tiny_page)
    canvas = page.locator("#graph-cpu .flame-canvas")
    canvas.focus()
    assert page.evaluate("document.activeElement.classList.contains('flame-canvas')")
    canvas.press("ArrowUp")  # from the root towards the leaves, as the flame is drawn
    cursor = page.locator("#graph-cpu g.frame.cursor")
    assert cursor.count() == 1
    name = cursor.get_attribute("data-name")
    assert name in page.inner_text("#graph-cpu .flame-status")
    canvas.press("Enter")
    assert not page.locator("#graph-cpu .flame-reset").is_disabled()
    assert "zoomed into " + name in page.inner_text("#graph-cpu .flame-status")
    canvas.press("Escape")
    assert page.locator("#graph-cpu .flame-reset").is_disabled()
    flip = page.locator("#graph-cpu .flame-flip")
    assert flip.get_attribute("aria-pressed") == "false"
    flip.click()
    assert flip.get_attribute("aria-pressed") == "true"  # the button shows its state


def test_frames_link_to_their_source_lines_and_back(tiny_page, open_page):
    page, log = open_page(tiny_page)
    link = "#graph-cpu .flame-source"
    assert page.locator(link).is_hidden()
    page.click('#graph-cpu g.frame[data-name="spin"]')
    assert page.locator(link).is_visible()
    target = page.get_attribute(link, "href")
    assert page.inner_text(link).startswith("line ")
    page.click(link)
    line = page.locator(f"[id='{target[1:]}']")
    assert line.is_visible() and "def spin" in line.inner_text()
    # and back: the function's header highlights it in the flame graphs it links to
    page.click('#line-by-line a[data-flame-search="spin"]')
    assert page.input_value("#graph-cpu .flame-search") == "spin"
    assert "matches" in page.inner_text("#graph-cpu .flame-status")
    assert log.errors == []


def test_the_annotated_source_folds_and_unfolds(tiny_page, open_page):
    page, log = open_page(tiny_page)
    source = page.locator("figure.source").first
    folded = source.locator("details.src-block")
    assert folded.count() >= 1
    assert all(folded.nth(i).get_attribute("open") is None for i in range(folded.count()))
    titles = source.locator(".src-line.measured").evaluate_all(
        "lines => lines.map(l => l.getAttribute('title'))")
    assert len(titles) >= 3
    assert any("CPU" in t for t in titles) and any("at the peak" in t for t in titles)
    button = source.locator(".source-expand")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert all(folded.nth(i).get_attribute("open") is not None for i in range(folded.count()))
    button.click()
    assert folded.first.get_attribute("open") is None
    assert log.errors == []
