"""What the seller pages and API share: the request's time, the actor, page rendering."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from dealplan.user.models import User


def now(request: Request) -> dt.datetime:
    """The request's time: `app.state.clock()` when the app has a clock (tests and demos
    pin one), else the current UTC time. Pages judge deals as of it and edits are recorded
    at it, so what a seller changes shows at once."""
    from dealplan.clock import utcnow

    clock: Callable[[], dt.datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock is not None else utcnow()


def actor(user: User) -> str:
    """The name history records for the seller's changes."""
    return user.name or user.email


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def has_route(request: Request, path: str) -> bool:
    """Whether the app serves `path` (a route template such as /deals/{deal_id}/room)."""
    from fastapi.routing import iter_route_contexts

    # Included routers are wrapped lazily: their routes only show through the contexts.
    return any(rc.path == path for rc in iter_route_contexts(request.app.routes))


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    from dealplan.web.templating import templates

    return templates.TemplateResponse(request, template, context, status_code=status_code)
