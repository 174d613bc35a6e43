"""Jinja2 templates shared by every page: globals, filters and the context all layouts need.

Globals: `csrf_input()` (the hidden form field), `csrf_token()`, `static_url(path)`.
Filters: `money` ($1,250,000 / $1.3M with `short=True`), `date` (2026-03-31), `days`
(relative days from an `as_of`: "in 3 days", "5 days ago", "today"). Macros: templates/macros.html
(`health_badge(level)`, `flash(message, kind)`). Context: `current_user` (the logged-in
seller, or None), `request`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from dealplan.web.csrf import FORM_FIELD, csrf_token

WEB_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def _context(request: Request) -> dict[str, Any]:
    return {"current_user": getattr(request.state, "user", None)}


templates = Jinja2Templates(directory=str(TEMPLATE_DIR), context_processors=[_context])


@pass_context
def _csrf_input(ctx: Any) -> Markup:
    return _hidden_csrf(csrf_token(ctx["request"]))


@lru_cache(maxsize=4096)
def _hidden_csrf(token: str) -> Markup:
    """The hidden form field for `token` (a page has several forms; each session one token)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FORM_FIELD, token)


@pass_context
def _csrf_token(ctx: Any) -> str:
    return csrf_token(ctx["request"])


@cache
def _static_version(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        return "0"
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    """/static/<path>?v=<content hash>: browsers cache it until the file changes."""
    return f"/static/{path}?v={_static_version(path)}"


def money(value: Any, short: bool = False) -> str:
    """$1,250,000; with `short`, $1.3M / $250K. Empty for a missing amount."""
    if value is None or value == "":
        return ""
    amount = float(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if short and amount >= 1_000_000:
        return f"{sign}${amount / 1_000_000:.1f}M"
    if short and amount >= 1_000:
        return f"{sign}${amount / 1_000:.0f}K"
    return f"{sign}${amount:,.0f}"


def date(value: Any, fmt: str = "%Y-%m-%d") -> str:
    """A date or datetime as text (2026-03-31); empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return str(value.strftime(fmt))


def days(value: Any, as_of: dt.date | dt.datetime) -> str:
    """`value` relative to `as_of`: "today", "tomorrow", "in 3 days", "5 days ago"."""
    if value is None:
        return ""
    day = value.date() if isinstance(value, dt.datetime) else value
    ref = as_of.date() if isinstance(as_of, dt.datetime) else as_of
    n = (day - ref).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    if n == -1:
        return "yesterday"
    return f"in {n} days" if n > 0 else f"{-n} days ago"


def nl2br(value: Any) -> Markup:
    """Escaped text with line breaks kept."""
    return Markup("<br>").join(escape(str(value or "")).split("\n"))


env = templates.env
env.globals.update(csrf_input=_csrf_input, csrf_token=_csrf_token, static_url=static_url)
env.filters.update(money=money, date=date, days=days, nl2br=nl2br)
