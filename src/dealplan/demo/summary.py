"""What `dealplan demo` reports: counts, users, and a few deals worth opening first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.demo.service import DemoManifest, demo_day
from dealplan.methodology import load_model
from dealplan.models import (
    Account,
    Activity,
    Contact,
    Deal,
    HistoryEntry,
    MapItem,
    Milestone,
    Risk,
    User,
)

# Which archetypes get a notable deal in the summary, in this order.
NOTABLE = ("healthy", "dying", "middling", "won", "lost")


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def summarize(*, session: Session, manifest: DemoManifest) -> dict[str, Any]:
    """The summary of a freshly built demo workspace, as JSON-ready data."""
    outcomes: dict[str, int] = {
        outcome: int(n)
        for outcome, n in session.execute(select(Deal.outcome, func.count()).group_by(Deal.outcome))
    }
    open_rows = session.execute(
        select(Deal.stage, func.count(), func.coalesce(func.sum(Deal.amount), 0))
        .where(Deal.outcome == "open")
        .group_by(Deal.stage)
    ).all()
    by_stage = {stage: (int(n), float(v or 0)) for stage, n, v in open_rows}
    order = load_model("unified").names
    first, last = session.execute(
        select(func.min(HistoryEntry.at), func.max(HistoryEntry.at))
    ).one()
    return {
        "seed": manifest.seed,
        "as_of": demo_day(manifest.as_of),
        "accounts": _count(session, Account),
        "contacts": _count(session, Contact),
        "users": [
            {"name": u.name, "email": u.email, "role": u.role}
            for u in session.scalars(select(User).order_by(User.id))
        ],
        "deals": {
            "total": sum(outcomes.values()),
            "open": int(outcomes.get("open", 0)),
            "won": int(outcomes.get("won", 0)),
            "lost": int(outcomes.get("lost", 0)),
            "open_by_stage": [
                {"stage": s, "deals": by_stage[s][0], "amount": by_stage[s][1]}
                for s in order
                if s in by_stage
            ],
        },
        "map": {
            "milestones": _count(session, Milestone),
            "items": _count(session, MapItem),
            "items_added_by_buyers": int(
                session.scalar(select(func.count()).where(MapItem.created_by_side == "buyer")) or 0
            ),
        },
        "activities": _count(session, Activity),
        "risks": _count(session, Risk),
        "history": {"rows": _count(session, HistoryEntry), "first": first, "last": last},
        "notable_deals": [_notable(session, manifest, arch) for arch in NOTABLE],
    }


def _map_changes(session: Session, deal_id: int) -> list[HistoryEntry]:
    items = select(MapItem.id).where(MapItem.deal_id == deal_id)
    return list(
        session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.entity == "map_item", HistoryEntry.entity_id.in_(items))
            .order_by(HistoryEntry.at)
        )
    )


def _pushes(session: Session, deal_id: int) -> int:
    rows = session.execute(
        select(HistoryEntry.old, HistoryEntry.new).where(
            HistoryEntry.entity == "deal",
            HistoryEntry.entity_id == deal_id,
            HistoryEntry.field == "close_date",
        )
    )
    # ISO dates in JSON text compare as dates do.
    return sum(1 for old, new in rows if old is not None and new is not None and new > old)


def _days(n: int | None) -> str:
    return "?" if n is None else f"{n} day" if n == 1 else f"{n} days"


def _notable(session: Session, manifest: DemoManifest, arch: str) -> dict[str, Any]:
    """The biggest deal of `arch` (the latest for lost ones) and what it shows."""
    deals = [d for d in (session.get(Deal, i) for i in manifest.deals(arch)) if d is not None]
    if arch == "lost":
        deal = max(deals, key=lambda d: (d.closed_date or dt.date.min, d.id))
    elif arch == "dying":
        deal = max(deals, key=lambda d: (_pushes(session, d.id), d.amount or 0, d.id))
    else:
        deal = max(deals, key=lambda d: (d.amount or 0, d.id))
    now = demo_day(manifest.as_of)
    changes = _map_changes(session, deal.id)
    last = changes[-1].at.date() if changes else None
    ago = (now - last).days if last else None
    buyers = [c for c in changes if c.actor.endswith("(buyer)")]
    if arch == "healthy":
        who = buyers[-1].actor if buyers else "the buyer"
        shows = f"healthy: MAP updated {_days(ago)} ago, last by {who}; economic buyer met"
    elif arch == "dying":
        shows = (
            f"dying: MAP untouched for {_days(ago)}, close date pushed "
            f"{_pushes(session, deal.id)} times, economic buyer never met, champion dark"
        )
    elif arch == "middling":
        shows = f"middling: MAP last updated {_days(ago)} ago, mostly by the seller"
    elif arch == "won":
        moves = {(c.at, c.actor) for c in changes}
        theirs = {(c.at, c.actor) for c in buyers}
        share = round(100 * len(theirs) / len(moves)) if moves else 0
        shows = f"won on {deal.closed_date}: the buyer made {share}% of the MAP updates"
    else:
        shows = f"lost on {deal.closed_date}: {deal.loss_reason}"
    return {
        "id": deal.id,
        "external_id": deal.external_id,
        "name": deal.name,
        "stage": deal.stage,
        "amount": deal.amount,
        "owner": deal.owner,
        "shows": shows,
    }
