"""The seller REST API under /api/: what the seller pages show, as JSON (OpenAPI at
/openapi.json). Reads: deals, one deal, its health, review, forecast. Writes: a MEDDPICC
element, a stage change through the gate, MAP items (with version checks, PLAT-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from dealplan.web import seller_reports, seller_views
from dealplan.web.deps import SellerDep, SessionDep
from dealplan.web.seller_common import actor, now
from dealplan.web.seller_schemas import (
    DealCard,
    DealPage,
    ElementOut,
    ForecastOut,
    HealthOut,
    MapItemOut,
    Review,
    StageChangeOut,
)

router = APIRouter(prefix="/api", tags=["seller"])


class ElementChange(BaseModel):
    """A MEDDPICC element's new status, value and evidence (omitted fields stay)."""

    status: str | None = Field(None, description="unknown, assumed or validated")
    value: str | None = None
    evidence: str | None = None


class StageChange(BaseModel):
    stage: str
    override: str | None = Field(
        None, description="Move although exit criteria fail: the reason, recorded."
    )


class ItemFields(BaseModel):
    action: str | None = None
    side: str | None = None
    seller_owner: str | None = None
    customer_owner: str | None = None
    due_date: dt.date | None = None
    status: str | None = None
    milestone_id: int | None = None
    notes: str | None = None


class ItemChange(ItemFields):
    base_version: int = Field(description="The item's version the edit is based on.")


@router.get("/deals", response_model=list[DealCard])
def list_deals(
    request: Request,
    session: SessionDep,
    user: SellerDep,
    owner: str | None = None,
    category: str | None = None,
) -> list[DealCard]:
    """Open deals ranked by risk, with health level and top reasons."""
    return seller_views.ranked_cards(
        session=session, as_of=now(request), owner=owner, category=category
    )


@router.get("/deals/{deal_id}", response_model=DealPage)
def get_deal(request: Request, deal_id: int, session: SessionDep, user: SellerDep) -> DealPage:
    """Everything the deal page shows."""
    return seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))


@router.get("/deals/{deal_id}/health", response_model=HealthOut)
def get_health(request: Request, deal_id: int, session: SessionDep, user: SellerDep) -> Any:
    """The deal's verdict with every reason, anti-patterns and the next action."""
    page = seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))
    if page.health is None:
        return JSONResponse({"detail": "the deal has no health yet"}, status_code=404)
    return page.health


@router.patch("/deals/{deal_id}/meddpicc/{element}", response_model=ElementOut)
def patch_meddpicc(
    request: Request,
    deal_id: int,
    element: str,
    change: ElementChange,
    session: SessionDep,
    user: SellerDep,
) -> ElementOut:
    from dealplan.web.seller_edits import update_meddpicc

    deal = seller_views.find_deal(session, deal_id)
    update_meddpicc(
        session=session,
        deal=deal,
        element=element,
        changes=change.model_dump(exclude_unset=True),
        actor=actor(user),
        at=now(request),
    )
    page = seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))
    return next(e for e in page.meddpicc if e.element == element)


@router.post(
    "/deals/{deal_id}/stage",
    response_model=StageChangeOut,
    responses={422: {"model": StageChangeOut, "description": "Refused by the gate."}},
)
def post_stage(
    request: Request, deal_id: int, change: StageChange, session: SessionDep, user: SellerDep
) -> Any:
    """Move the deal through the gate (QUAL-2). Refused (422, with the unmet criteria)
    while exit criteria fail, unless `override` gives a reason, which is recorded."""
    from dealplan.deal import qual_service as qs

    deal = seller_views.find_deal(session, deal_id)
    move = qs.change_stage(
        session=session,
        deal=deal,
        stage=change.stage,
        actor=actor(user),
        at=now(request),
        override=change.override,
    )
    out = StageChangeOut(
        deal_id=deal.id,
        moved=move.moved,
        overridden=move.override_id is not None,
        stage=deal.stage,
        outcome=move.outcome,
        gate=seller_views.gate_out(move.check),
    )
    if not move.moved:
        return JSONResponse(out.model_dump(mode="json"), status_code=422)
    return out


def _map_item(session: Any, request: Request, deal_id: int, item_id: int) -> MapItemOut:
    page = seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))
    return next(i for i in page.items if i.id == item_id)


@router.get("/deals/{deal_id}/map/items", response_model=list[MapItemOut])
def list_items(
    request: Request, deal_id: int, session: SessionDep, user: SellerDep
) -> list[MapItemOut]:
    return seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request)).items


@router.post("/deals/{deal_id}/map/items", response_model=MapItemOut, status_code=201)
def post_item(
    request: Request, deal_id: int, fields: ItemFields, session: SessionDep, user: SellerDep
) -> MapItemOut:
    from dealplan.plan import map_service

    item = map_service.add_item(
        session=session,
        deal_id=deal_id,
        fields=fields.model_dump(exclude_unset=True),
        actor=actor(user),
        side="seller",
        at=now(request),
    )
    return _map_item(session, request, deal_id, item.id)


@router.patch(
    "/deals/{deal_id}/map/items/{item_id}",
    response_model=MapItemOut,
    responses={409: {"description": "Stale edit: what changed since base_version."}},
)
def patch_item(
    request: Request,
    deal_id: int,
    item_id: int,
    change: ItemChange,
    session: SessionDep,
    user: SellerDep,
) -> MapItemOut:
    """Edit an item if it is still at `base_version`; else 409 saying what changed."""
    from dealplan.plan import map_service

    changes = change.model_dump(exclude_unset=True)
    base = changes.pop("base_version")
    map_service.update_item(
        session=session,
        item_id=item_id,
        changes=changes,
        base_version=base,
        actor=actor(user),
        side="seller",
        at=now(request),
        deal_id=deal_id,
    )
    return _map_item(session, request, deal_id, item_id)


@router.get("/review", response_model=Review)
def get_review(
    request: Request, session: SessionDep, user: SellerDep, owner: str | None = None
) -> Review:
    """Open deals ranked by risk, and this week's silence-playbook actions."""
    return seller_views.review(session=session, as_of=now(request), owner=owner)


@router.get("/forecast", response_model=ForecastOut)
def get_forecast(
    request: Request,
    session: SessionDep,
    user: SellerDep,
    quarter: str | None = None,
    month: str | None = None,
    year: int | None = None,
) -> ForecastOut:
    """Categories, the methods side by side and P10/P50/P90 for the period."""
    result = seller_reports.forecast_result(
        session=session, as_of=now(request).date(), quarter=quarter, month=month, year=year
    )
    return seller_reports.forecast_out(result)
