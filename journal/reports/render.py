"""A report's data as text in one of the report formats: `render(kind, data, fmt)` for the CLI.

json is the data itself; csv its headline figures (one header, one row); table, md and html render the
page `journal.reports.views` derives from it (md and html through the Jinja2 templates in `templates/`,
HTML autoescaped because broker text and notes can hold markup). jinja2 is imported only when a
template renders, so the CLI does not pay for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.output import json_text
from journal.output import table as text_table

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup

    from journal.reports.views import Column, Section, View

KINDS = ("monthly", "year", "cycle", "weekly")


class ReportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"


def templates_dir() -> Path:
    """The templates: packaged in the wheel as journal/_templates, else the repository's `templates/`."""
    import journal

    here = Path(journal.__file__).resolve().parent
    for candidate in (here / "_templates", here.parent / "templates"):
        if (candidate / "base.html.j2").exists():
            return candidate
    raise FileNotFoundError("the report templates are missing from this installation")


@cache
def environment() -> jinja2.Environment:
    import jinja2

    from journal.reports.views import money_text, pct_text

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # HTML is escaped (broker text can hold <script>); Markdown escapes through the md_cell filter.
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",),
            disabled_extensions=("md.j2",),
            default=True,
            default_for_string=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = money_text
    env.filters["pct"] = pct_text
    env.filters["cell"] = cell_text
    env.filters["cells"] = body_cells
    env.filters["tone"] = tone
    env.filters["md_cell"] = md_cell
    return env


def body_cells(row: Mapping[str, Any], columns: Sequence[Column]) -> Markup:
    """A table row's cells, escaped: one filter call per row rather than a template loop per cell, since a
    busy month lists thousands of trades. The classes are those of the header cells, plus the tone."""
    from markupsafe import Markup, escape

    cells = []
    for c in columns:
        value = row.get(c.key)
        classes = f"{c.css} {tone(value) if c.numeric else ''}{' note' if c.key == 'note' else ''}"
        cells.append(f'<td class="{classes}">{escape(cell_text(value, c.kind))}</td>')
    return Markup("".join(cells))


def cell_text(value: Any, kind: str) -> str:
    """A table cell for people: money with separators and a real minus sign, percentages with %, `—`
    for a missing value."""
    from journal.reports.views import MONEY, PCT, PRICE, money_text, pct_text, price_text

    if value is None or value == "":
        return "\u2014" if kind in (MONEY, PCT, PRICE) else ""
    if kind == MONEY:
        return money_text(str(value))
    if kind == PRICE:
        return price_text(str(value))
    if kind == PCT:
        return pct_text(str(value))
    return str(value)


def tone(value: Any) -> str:
    """ "neg" for a negative figure, "" otherwise: the CSS class that colours losses."""
    return "neg" if isinstance(value, str) and value.startswith("-") else ""


def md_cell(value: Any) -> str:
    """Text safe in a Markdown table cell: pipes escaped, markup characters neutralised, one line."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def view_of(kind: str, data: dict[str, Any]) -> View:
    from journal.reports.views import VIEWS

    if kind not in VIEWS:
        raise ValueError(f"unknown report {kind!r} (known: {', '.join(KINDS)})")
    return VIEWS[kind](data)


def headline(data: dict[str, Any]) -> dict[str, Any]:
    """The report's scalar figures (lists and tables left out): what the CSV holds."""
    return {k: v for k, v in data.items() if not isinstance(v, list | dict)}


def render_csv(data: dict[str, Any]) -> str:
    row = {k: "" if v is None else v for k, v in headline(data).items()}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


def _section_text(section: Section) -> str:
    if not section.rows:
        return section.empty
    labels = [c.label for c in section.columns]
    rows = [{c.label: row.get(c.key) for c in section.columns} for row in section.shown]
    if section.total:
        rows.append({c.label: section.total.get(c.key) for c in section.columns})
    return text_table(rows, labels) + (f"\n{section.more}" if section.more else "")


def render_table(view: View) -> str:
    """The page as terminal text: headline figures as aligned lines, then each table."""
    out = [view.title, view.subtitle, ""]
    if view.notice:
        out[2:2] = [view.notice, ""]
    width = max((len(c.label) for c in view.cards), default=0)
    for card in view.cards:
        note = f"  ({card.note})" if card.note else ""
        out.append(f"{card.label.ljust(width)}  {cell_text(card.value, card.kind)}{note}")
    for section in view.sections:
        out += ["", f"== {section.title} ==", _section_text(section)]
    for note in view.notes:
        out += ["", note]
    return "\n".join(out) + "\n"


def render(kind: str, data: dict[str, Any], fmt: str | ReportFormat) -> str:
    """The report `kind` (monthly, year, cycle, weekly) of `data` in format `fmt`, as one string."""
    fmt = ReportFormat(fmt)
    if fmt is ReportFormat.json:
        return json_text(data) + "\n"  # json.dumps(data, indent=2), by the C encoder
    if fmt is ReportFormat.csv:
        return render_csv(data)
    view = view_of(kind, data)
    view.notice = data.get("incomplete_notice")
    view.subtitle += f" \u00b7 amounts in {data.get('currency') or 'USD'}"  # every page says its currency
    if fmt is ReportFormat.table:
        return render_table(view)
    template = environment().get_template(f"{kind}.{fmt.value}.j2")
    return template.render(view=view, data=data)
