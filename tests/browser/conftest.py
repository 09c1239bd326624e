"""Headless Debian Chromium driven by Playwright; Playwright's own browser download is not used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("REPORTER_CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update"]


INSTALL = "apt-get install -y chromium && pip install playwright"


def _missing(reason: str) -> None:
    """In CI a missing browser is a failure; elsewhere one clear skip line that says the fix."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (to run them: {INSTALL})")


@pytest.fixture(name="browser", scope="session")
def fixture_browser():
    """One Chromium for the whole session, driven by Playwright without its own browser."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing")
    try:
        from playwright import sync_api  # pylint: disable=import-outside-toplevel
    except ImportError as exc:
        _missing(f"Playwright is not importable ({exc})")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


class PageLog:
    """Everything a page did that a report must not do: requests, dialogs, errors."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def open_page(browser):
    """Open a file in a fresh page; returns the page and its log."""
    pages = []

    def open_(path: Path):
        page = browser.new_page()
        pages.append(page)
        log = PageLog(page)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        return page, log

    yield open_
    for page in pages:
        page.close()


def cut_labels(page) -> list[str]:
    """The chart labels on the page that stick out of their chart, details opened."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.evaluate("""() => [...document.querySelectorAll("figure svg text")]
        .filter(text => {
            const box = text.getBoundingClientRect();
            const svg = text.ownerSVGElement.getBoundingClientRect();
            return box.width > 0 && (box.left < svg.left - 0.5 || box.right > svg.right + 0.5
                || box.top < svg.top - 0.5 || box.bottom > svg.bottom + 0.5);
        }).map(text => text.textContent)""")
