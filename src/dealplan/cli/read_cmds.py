"""Read commands: accounts, deals, deal show (issue: foundation, read commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealplan.cli.app import (
    AsOfOption,
    DbOption,
    DealRef,
    JsonOption,
    app,
    deal_app,
    parse_as_of,
    print_json,
    show,
    table,
    workspace,
)
from dealplan.errors import NotFoundError

if TYPE_CHECKING:
    from dealplan.history.rebuild import DealState


@app.command("accounts")
def accounts_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List accounts with their open pipeline."""
    from sqlalchemy import func, select

    from dealplan.account.models import Account
    from dealplan.deal.models import Deal

    with workspace(db) as session:
        open_value = func.coalesce(func.sum(Deal.amount).filter(Deal.outcome == "open"), 0)
        q = (
            select(Account, func.count(Deal.id), open_value)
            .outerjoin(Deal, Deal.account_id == Account.id)
            .group_by(Account.id)
            .order_by(Account.name)
        )
        rows = [
            {
                "id": a.id,
                "external_id": a.external_id,
                "name": a.name,
                "industry": a.industry,
                "employees": a.employees,
                "revenue": a.revenue,
                "arr": a.arr,
                "deals": n,
                "open_pipeline": float(v or 0),
            }
            for a, n, v in session.execute(q)
        ]
    if as_json:
        print_json(rows)
        return
    cols = ["id", "name", "industry", "employees", "deals", "open_pipeline"]
    show(table(f"Accounts ({len(rows)})", cols, [[r[c] for c in cols] for r in rows]))


@app.command("deals")
def deals_cmd(
    stage: Annotated[str | None, typer.Option(help="Only deals in this stage.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only deals of this owner.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open deals.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List deals, filtered by stage, owner or open."""
    from dealplan.deal import service as deals

    with workspace(db) as session:
        q = deals.listing_query(stage=stage, owner=owner, open_only=open_only)
        rows = [deals.summary(d, a) for d, a in session.execute(q)]
    if as_json:
        print_json(rows)
        return
    cols = ["id", "name", "account", "owner", "stage", "amount", "close_date", "outcome"]
    show(table(f"Deals ({len(rows)})", cols, [[r[c] for c in cols] for r in rows]))


def _state_json(state: DealState, stages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "as_of": state.as_of,
        "deal": state.deal,
        "account": state.account,
        "meddpicc": state.meddpicc,
        "committee": state.committee,
        "risks": state.risks,
        "milestones": state.milestones,
        "map_items": state.map_items,
        "activities": state.activities,
        "stage_timeline": stages,
    }


@deal_app.command("show")
def deal_show_cmd(
    ref: DealRef,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one deal with MEDDPICC, committee and MAP, as it stands or stood on --as-of."""
    from dealplan.clock import utcnow
    from dealplan.deal import service as deals
    from dealplan.history.rebuild import deal_as_of, stage_timeline

    moment = parse_as_of(as_of, utcnow())
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        state = deal_as_of(session, deal_id=deal.id, as_of=moment)
        if state is None:
            raise NotFoundError(f"deal {ref} did not exist yet on {moment:%Y-%m-%d %H:%M}")
        stages = [
            {"at": c.at, "from": c.from_stage, "to": c.to_stage, "actor": c.actor}
            for c in stage_timeline(session, deal_id=deal.id)
            if c.at <= moment
        ]
    if as_json:
        print_json(_state_json(state, stages))
        return
    _render_state(state, stages)


def _render_state(state: DealState, stages: list[dict[str, Any]]) -> None:
    d = state.deal
    fields = [
        "name",
        "external_id",
        "stage",
        "outcome",
        "amount",
        "currency",
        "close_date",
        "owner",
        "forecast_category",
        "next_step",
        "next_step_date",
        "competitor",
        "source",
        "created_date",
        "closed_date",
        "loss_reason",
    ]
    account = state.account["name"] if state.account else None
    rows = [["account", account]] + [[f, d.get(f)] for f in fields]
    show(table(f"Deal {d['id']} as of {state.as_of:%Y-%m-%d}", ["field", "value"], rows))
    if state.meddpicc:
        show(
            table(
                "MEDDPICC",
                ["element", "status", "value", "evidence"],
                [[m["element"], m["status"], m["value"], m["evidence"]] for m in state.meddpicc],
            )
        )
    if state.committee:
        show(
            table(
                "Buying committee",
                ["name", "title", "role", "influence", "support", "engagement"],
                [
                    [
                        c["name"],
                        c["title"],
                        c["role"],
                        c["influence"],
                        c["support"],
                        c["engagement"],
                    ]
                    for c in state.committee
                ],
            )
        )
    if state.map_items:
        show(
            table(
                "Mutual action plan",
                ["due", "side", "action", "owner", "status"],
                [
                    [
                        i["due_date"],
                        i["side"],
                        i["action"],
                        i["customer_owner"] or i["seller_owner"],
                        i["status"],
                    ]
                    for i in sorted(
                        state.map_items, key=lambda i: (i["due_date"] is None, i["due_date"])
                    )
                ],
            )
        )
    if stages:
        show(
            table(
                "Stage timeline",
                ["when", "from", "to", "by"],
                [[f"{s['at']:%Y-%m-%d}", s["from"], s["to"], s["actor"]] for s in stages],
            )
        )
