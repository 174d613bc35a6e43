"""Seller pages: pipeline board, deal page (with its edits), accounts, review, forecast.

Every page needs a logged-in seller (`SellerDep`). Reads go through seller_views and
seller_reports; edits through the services (qual_service.change_stage, plan.map_service,
plan.service.convert_to_map, seller_edits.update_meddpicc). HTMX posts get the edited
section back; plain form posts are redirected to the page (303).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from dealplan.account.models import Account
from dealplan.deal.models import Deal
from dealplan.errors import InputError
from dealplan.web import seller_reports, seller_views
from dealplan.web.deps import SellerDep, SessionDep
from dealplan.web.seller_common import has_route, is_htmx, now, render
from dealplan.web.seller_map_pages import router as map_router
from dealplan.web.seller_schemas import ElementOut

router = APIRouter(include_in_schema=False)
router.include_router(map_router)

ROOM_ROUTE = "/deals/{deal_id}/room"
ELEMENT_STATUSES = ("unknown", "assumed", "validated")


def _blank(value: str | None) -> str | None:
    return value if value else None


@router.get("/", response_class=HTMLResponse)
def board_page(
    request: Request,
    session: SessionDep,
    user: SellerDep,
    owner: str | None = None,
    category: str | None = None,
) -> Response:
    data = seller_views.board(
        session=session, as_of=now(request), owner=_blank(owner), category=_blank(category)
    )
    return render(request, "seller/board.html", {"board": data})


@router.get("/deals/{deal_id}", response_class=HTMLResponse)
def deal_page(
    request: Request,
    deal_id: int,
    session: SessionDep,
    user: SellerDep,
    moved: str | None = None,
    converted: str | None = None,
) -> Response:
    flash = None
    if moved:
        flash = f"Moved to {moved}."
    elif converted:
        flash = "The closing plan is now in the MAP."
    return render(request, "seller/deal.html", deal_context(request, session, deal_id, flash=flash))


def deal_context(request: Request, session: Any, deal_id: int, **extra: Any) -> dict[str, Any]:
    page = seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))
    return {
        "page": page,
        "statuses": ELEMENT_STATUSES,
        "room_panel": has_route(request, ROOM_ROUTE),
        "stage_result": None,
        "stage_error": None,
        "flash": None,
        **extra,
    }


@router.post("/deals/{deal_id}/meddpicc/{element}", response_class=HTMLResponse)
def meddpicc_edit(
    request: Request,
    deal_id: int,
    element: str,
    session: SessionDep,
    user: SellerDep,
    status: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
    evidence: Annotated[str, Form()] = "",
) -> Response:
    from dealplan.web.seller_common import actor
    from dealplan.web.seller_edits import update_meddpicc

    deal = seller_views.find_deal(session, deal_id)
    update_meddpicc(
        session=session,
        deal=deal,
        element=element,
        changes={"status": status, "value": value, "evidence": evidence},
        actor=actor(user),
        at=now(request),
    )
    if not is_htmx(request):
        return RedirectResponse(f"/deals/{deal_id}#meddpicc", status_code=303)
    page = seller_views.deal_page(session=session, deal_id=deal_id, as_of=now(request))
    row: ElementOut | None = next((e for e in page.meddpicc if e.element == element), None)
    return render(
        request,
        "seller/_meddpicc_row.html",
        {"page": page, "e": row, "statuses": ELEMENT_STATUSES, "saved": True},
    )


@router.post("/deals/{deal_id}/stage", response_class=HTMLResponse)
def stage_change(
    request: Request,
    deal_id: int,
    session: SessionDep,
    user: SellerDep,
    stage: Annotated[str, Form()],
    override: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Move through the gate; a refusal shows the unmet criteria and the override form. An
    override without a reason is refused with that message."""
    from dealplan.deal import qual_service as qs
    from dealplan.web.seller_common import actor

    deal = seller_views.find_deal(session, deal_id)
    error = None
    result = None
    reason = reason.strip()
    if override and not reason:
        error = "An override needs a reason: say why the deal moves although criteria fail."
    try:
        # Without a reason the gate still judges the move (it moves only if it passes).
        result = qs.change_stage(
            session=session,
            deal=deal,
            stage=stage,
            actor=actor(user),
            at=now(request),
            override=reason if override and reason else None,
        )
    except InputError as exc:
        error = str(exc)
    if result is not None and result.moved:
        target = f"/deals/{deal_id}?moved={quote(deal.stage)}#stage"
        if is_htmx(request):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    gate = seller_views.gate_out(result.check) if result is not None else None
    context = deal_context(
        request, session, deal_id, stage_result=gate, stage_error=error, asked=stage
    )
    template = "seller/_stage.html" if is_htmx(request) else "seller/deal.html"
    return render(request, template, context, status_code=200 if gate else 422)


@router.post("/deals/{deal_id}/closing-plan/to-map", response_class=HTMLResponse)
def closing_plan_to_map(
    request: Request, deal_id: int, session: SessionDep, user: SellerDep
) -> Response:
    from dealplan.plan import service as plans
    from dealplan.web.seller_common import actor

    moment = now(request)
    t = plans.workspace_thresholds(session=session)
    plan, facts = plans.plan_for(session=session, deal_id=deal_id, as_of=moment, t=t)
    plans.convert_to_map(session=session, plan=plan, facts=facts, actor=actor(user), at=moment, t=t)
    target = f"/deals/{deal_id}?converted=1#map"
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, session: SessionDep, user: SellerDep) -> Response:
    open_deals = (
        select(
            Deal.account_id,
            func.count(Deal.id).label("deals"),
            func.coalesce(func.sum(Deal.amount), 0).label("amount"),
        )
        .where(Deal.outcome == "open")
        .group_by(Deal.account_id)
        .subquery()
    )
    rows = session.execute(
        select(Account, open_deals.c.deals, open_deals.c.amount)
        .outerjoin(open_deals, open_deals.c.account_id == Account.id)
        .order_by(open_deals.c.amount.desc().nulls_last(), Account.name)
    ).all()
    accounts = [
        {"account": a, "deals": deals or 0, "amount": float(amount or 0)}
        for a, deals, amount in rows
    ]
    return render(request, "seller/accounts.html", {"accounts": accounts})


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, account_id: int, session: SessionDep, user: SellerDep
) -> Response:
    from dealplan.reports.render import safe_svg

    doc = seller_reports.account_plan(session=session, account_id=account_id, as_of=now(request))
    return render(
        request,
        "seller/account.html",
        {"doc": doc, "account_id": account_id, "org_chart": safe_svg(doc.org_chart_svg)},
    )


@router.get("/accounts/{account_id}/plan.pdf")
def account_plan_pdf(
    request: Request, account_id: int, session: SessionDep, user: SellerDep
) -> Response:
    acc = seller_reports.find_account(session, account_id)
    pdf = seller_reports.account_plan_pdf(
        session=session, account_id=account_id, as_of=now(request)
    )
    slug = "".join(c if c.isalnum() else "-" for c in acc.name.casefold()).strip("-")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{slug}-account-plan.pdf"'},
    )


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request, session: SessionDep, user: SellerDep, owner: str | None = None
) -> Response:
    data = seller_views.review(session=session, as_of=now(request), owner=_blank(owner))
    return render(request, "seller/review.html", {"review": data})


@router.get("/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    session: SessionDep,
    user: SellerDep,
    quarter: str | None = None,
    month: str | None = None,
    year: int | None = None,
) -> Response:
    from dealplan.reports.render import safe_svg

    result = seller_reports.forecast_result(
        session=session,
        as_of=now(request).date(),
        quarter=_blank(quarter),
        month=_blank(month),
        year=year,
    )
    return render(
        request,
        "seller/forecast.html",
        {
            "f": seller_reports.forecast_out(result),
            "chart": safe_svg(seller_reports.forecast_svg(result)),
            "quarter": quarter or "",
        },
    )
