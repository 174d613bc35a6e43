"""The room's activity feed (MAP-7): MAP changes, comments and sign-offs, newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from dealplan.engines.facts import BUYER_SUFFIX, actor_side
from dealplan.plan import map_service
from dealplan.plan.map_service import Plan
from dealplan.room.models import SignOff
from dealplan.room.service import comments, signoffs

FIELD_NAMES = {
    "due_date": "due date",
    "customer_owner": "customer owner",
    "seller_owner": "seller owner",
    "milestone_id": "milestone",
}
STATUS_WORDS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "complete": "complete",
    "blocked": "blocked",
    "cancelled": "cancelled",
}


def _value(field: str, value: Any) -> str:
    if value is None or value == "":
        return "nothing"
    if field == "status":
        return STATUS_WORDS.get(str(value), str(value))
    return str(value)


def _sentence(row: dict[str, Any]) -> str:
    label = row["label"] or f"{row['entity'].replace('_', ' ')} {row['entity_id']}"
    what = "milestone" if row["entity"] == "milestone" else "item"
    if row["op"] == "create":
        return f'added the {what} "{label}"'
    if row["op"] == "delete":
        return f'removed the {what} "{label}"'
    if row["field"] == "status" and row["new"] == "complete":
        return f'completed "{label}"'
    name = FIELD_NAMES.get(row["field"], row["field"])
    return (
        f'changed the {name} of "{label}" from {_value(row["field"], row["old"])} '
        f"to {_value(row['field'], row['new'])}"
    )


def feed(
    *,
    session: Session,
    deal_id: int,
    limit: int = 50,
    plan: Plan | None = None,
    signed: Sequence[SignOff] | None = None,
) -> list[dict[str, Any]]:
    """Newest first: {"at", "actor", "side" (buyer/seller), "kind" (change/comment/signoff),
    "text", "item_id"}; the actor is a plain name (no "(buyer)"). Plain text: pages escape it.

    `plan` (the deal's `deal_map`) and `signed` (its `signoffs`): when the caller has read
    them already.
    """
    entries: list[dict[str, Any]] = []
    history = map_service.map_history(session=session, deal_id=deal_id, limit=limit, plan=plan)
    for row in history:
        if row["op"] == "update" and row["field"] == "milestone_id":
            continue
        entries.append(
            {
                "at": row["at"],
                "actor": row["actor"].removesuffix(BUYER_SUFFIX),
                "side": actor_side(row["actor"]),
                "kind": "change",
                "text": _sentence(row),
                "item_id": row["entity_id"] if row["entity"] == "map_item" else None,
            }
        )
    for c in comments(session=session, deal_id=deal_id):
        entries.append(
            {
                "at": c.at,
                "actor": c.author,
                "side": c.side,
                "kind": "comment",
                "text": c.body,
                "item_id": c.item_id,
            }
        )
    for s in signed if signed is not None else signoffs(session=session, deal_id=deal_id):
        entries.append(
            {
                "at": s.signed_at,
                "actor": s.name,
                "side": s.side,
                "kind": "signoff",
                "text": f"signed version {s.version} of the plan for the {s.side} side",
                "item_id": None,
            }
        )
    entries.sort(key=lambda e: e["at"] or dt.datetime.min, reverse=True)
    return entries[:limit]
