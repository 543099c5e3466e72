"""Headless Chromium driving `tj serve` as a person would: open a page, read what it shows and its console,
choose files in the import form, click, take screenshots.

Playwright for Python drives the system's Chromium (Debian's, which .ci/run installs; $TJ_CHROMIUM names
another): its wheel carries its own driver, so nothing is downloaded (never `playwright install`). It can
set a file input's files and click through forms, which `chromium --dump-dom` cannot, and it reports every
console message and page error. Each `Tab` is a fresh browser context: its own cookies, so its own session.

`rebind.example` resolves to 127.0.0.1 inside this browser (--host-resolver-rules): a page opened under that
name is what a DNS rebinding attack makes a victim's browser do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.reports.browser import FLAGS, chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response

REBIND_NAME = "rebind.example"
# The report tests' flags but those of a page loaded from the command line (Playwright runs it headless and
# waits for loads itself), and a name that resolves to this machine, as a DNS rebinding page would come by.
ARGS = [
    *(f for f in FLAGS if f.startswith(("--no-", "--disable-"))),
    f"--host-resolver-rules=MAP {REBIND_NAME} 127.0.0.1",
]
WIDTH, HEIGHT = 1280, 900


@contextmanager
def launched() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    binary = chromium()
    assert binary is not None, "no chromium: .ci/run installs Debian's"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=binary, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tab:
    """One page in a fresh context, with what its console said (errors and warnings, CSP violations,
    uncaught exceptions; a clean page says nothing)."""

    page: Page
    base: str
    console: list[str] = field(default_factory=list)

    def visit(self, path: str, base: str | None = None) -> Response:
        response = self.page.goto((base or self.base) + path, wait_until="load")
        assert response is not None, path
        return response

    def text(self) -> str:
        """The text of the page's document as the browser holds it, one space between words (as written,
        not as CSS shows it: a card's label is uppercased on screen)."""
        from tests.web.html import text_of

        return text_of(self.page.content())

    def html(self) -> str:
        return self.page.content()

    def shot(self, png: Path) -> Path:
        self.page.screenshot(path=str(png), full_page=True)
        assert png.stat().st_size > 0
        return png


@contextmanager
def tab(browser: Browser, base: str) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, accept_downloads=False)
    page = context.new_page()
    opened = Tab(page, base)

    def said(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning", "assert"):
            opened.console.append(f"{message.type}: {message.text} ({page.url})")

    page.on("console", said)
    page.on("pageerror", lambda error: opened.console.append(f"uncaught: {error} ({page.url})"))
    try:
        yield opened
    finally:
        context.close()
