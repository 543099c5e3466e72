"""Reading a page of `tj serve` in a test: its text, its tables' cells and its links (the standard library's
HTML parser: what a browser would show, without one)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self.links: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def text_of(page: str) -> str:
    """The page's text, one space between words (entities decoded)."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def tables(html: str) -> list[list[list[str]]]:
    """Each table's rows (header row first), each row its cells' text."""
    return parse(html).tables


def body_rows(table: list[list[str]]) -> list[list[str]]:
    return table[1:]


def column(table: list[list[str]], label: str) -> list[str]:
    """A column's cells by its header's label (the header row left out)."""
    index = [c.rstrip(" \u25b2\u25bc") for c in table[0]].index(label)
    return [row[index] for row in table[1:] if len(row) > index]


def links(html: str) -> list[str]:
    return parse(html).links
