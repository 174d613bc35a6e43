"""The deal page's MAP section: add and edit items through plan.map_service (MAP-1, PLAT-4).

An edit form carries the item's version; a stale edit is not saved and the section comes
back (HTTP 409) with what changed and the item as it stands now.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dealplan.errors import InputError
from dealplan.web import seller_views
from dealplan.web.deps import SellerDep, SessionDep
from dealplan.web.seller_common import actor, is_htmx, now, render

router = APIRouter(include_in_schema=False)

ITEM_STATUSES = ("not_started", "in_progress", "complete", "blocked", "cancelled")
SIDES = ("seller", "buyer", "both")


def _fields(**values: str | None) -> dict[str, Any]:
    """Form values as map_service fields: blanks clear a field; a milestone is an id."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        text = value.strip()
        if key == "milestone_id":
            out[key] = int(text) if text.isdigit() else None
        else:
            out[key] = text or None
    return out


def map_section(
    request: Request,
    session: Any,
    deal_id: int,
    *,
    conflict: Any = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    page = seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))
    return render(
        request,
        "seller/_map.html",
        {
            "page": page,
            "item_statuses": ITEM_STATUSES,
            "sides": SIDES,
            "conflict": conflict,
            "map_error": error,
        },
        status_code=status_code,
    )


def _done(request: Request, session: Any, deal_id: int) -> Response:
    if is_htmx(request):
        return map_section(request, session, deal_id)
    return RedirectResponse(f"/deals/{deal_id}#map", status_code=303)


@router.post("/deals/{deal_id}/map/items", response_class=HTMLResponse)
def add_item(
    request: Request,
    deal_id: int,
    session: SessionDep,
    user: SellerDep,
    action: Annotated[str, Form()],
    side: Annotated[str, Form()] = "seller",
    seller_owner: Annotated[str, Form()] = "",
    customer_owner: Annotated[str, Form()] = "",
    due_date: Annotated[str, Form()] = "",
    milestone_id: Annotated[str, Form()] = "",
) -> Response:
    from dealplan.plan import map_service

    seller_views.find_deal(session, deal_id)
    fields = _fields(
        action=action,
        side=side,
        seller_owner=seller_owner,
        customer_owner=customer_owner,
        due_date=due_date,
        milestone_id=milestone_id,
    )
    try:
        map_service.add_item(
            session=session,
            deal_id=deal_id,
            fields=fields,
            actor=actor(user),
            side="seller",
            at=now(request),
        )
    except InputError as exc:
        return map_section(request, session, deal_id, error=str(exc), status_code=422)
    return _done(request, session, deal_id)


@router.post("/deals/{deal_id}/map/items/{item_id}", response_class=HTMLResponse)
def edit_item(
    request: Request,
    deal_id: int,
    item_id: int,
    session: SessionDep,
    user: SellerDep,
    base_version: Annotated[int, Form()],
    action: Annotated[str | None, Form()] = None,
    status: Annotated[str | None, Form()] = None,
    seller_owner: Annotated[str | None, Form()] = None,
    customer_owner: Annotated[str | None, Form()] = None,
    due_date: Annotated[str | None, Form()] = None,
) -> Response:
    from dealplan.plan import map_service

    changes = _fields(
        action=action,
        status=status,
        seller_owner=seller_owner,
        customer_owner=customer_owner,
        due_date=due_date,
    )
    try:
        map_service.update_item(
            session=session,
            item_id=item_id,
            changes=changes,
            base_version=base_version,
            actor=actor(user),
            side="seller",
            at=now(request),
            deal_id=deal_id,
        )
    except map_service.ConflictError as exc:
        return map_section(request, session, deal_id, conflict=exc, status_code=409)
    except InputError as exc:
        return map_section(request, session, deal_id, error=str(exc), status_code=422)
    return _done(request, session, deal_id)
