"""Renderers: documents to Markdown and HTML through Jinja2 templates, and HTML to PDF.

HTML autoescapes every value; Markdown escapes through the `md` filter (a Markdown viewer
renders raw HTML, so `<`, `>` and `&` are written as entities there too). Only the org chart
SVG, which escapes its own text, is marked safe.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

FORMATS = ("md", "html", "pdf")


def money(value: float | None) -> str:
    """$1,234,500 -> "$1.23M"; $230,000,000 -> "$230M"; $45,000 -> "$45K"; None -> "—"."""
    if value is None:
        return "—"
    for unit, size in (("B", 1e9), ("M", 1e6)):
        if abs(value) >= size:
            scaled = value / size
            digits = 0 if abs(scaled) >= 100 else 1 if abs(scaled) >= 10 else 2
            return f"${scaled:,.{digits}f}{unit}"
    if abs(value) >= 10_000:
        return f"${value / 1_000:,.0f}K"
    return f"${value:,.0f}"


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.strftime("%d %b %Y")


def pct(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}%}"


def label(value: Any) -> str:
    return "" if value is None else str(value).replace("_", " ")


def md(value: Any) -> str:
    """Text safe inside a Markdown table cell: entities for <, >, &, |; one line."""
    if value is None:
        return ""
    text = str(value)
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "&#124;")):
        text = text.replace(raw, entity)
    return " ".join(text.split())


def capfirst(value: Any) -> str:
    """The text with its first letter in capitals ("ask the EB" -> "Ask the EB")."""
    text = "" if value is None else str(value)
    return text[:1].upper() + text[1:]


def number(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@cache
def _css() -> str:
    return (resources.files(__package__) / "static" / "document.css").read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    """Templates `*.html.j2` autoescape; `*.md.j2` escape with the `md` filter instead."""
    env = Environment(
        loader=PackageLoader("dealplan.reports", "templates"),
        autoescape=select_autoescape(["html", "html.j2", "svg"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        money=money, day=day, pct=pct, label=label, md=md, number=number, capfirst=capfirst
    )
    env.globals["css"] = lambda: Markup(_css())  # noqa: S704  (our own stylesheet)
    return env


def render_markdown(template: str, **context: Any) -> str:
    text = environment().get_template(template).render(**context)
    # Collapse the blank lines template blocks leave behind.
    out: list[str] = []
    for line in text.splitlines():
        if line.strip() or (out and out[-1].strip()):
            out.append(line.rstrip())
    return "\n".join(out).strip() + "\n"


def render_html(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def html_to_pdf(html: str, *, title: str | None = None) -> bytes:
    """The PDF of `html` (WeasyPrint); nothing is fetched from the network."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    def no_fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
        raise ValueError(f"documents load nothing from outside: {url}")

    document = HTML(string=html, url_fetcher=no_fetch).render()
    if title:
        document.metadata.title = title
    pdf: bytes = document.write_pdf()
    return pdf


def safe_svg(svg: str) -> Markup:
    """The org chart SVG for a template: it escaped its own text (see org_chart)."""
    return Markup(svg)  # noqa: S704
