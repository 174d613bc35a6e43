"""MAP sign-off (MAP-8): both sides sign a version; the signed plan is frozen as a snapshot
and later changes are shown against it. Not a legal contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from dealplan.deal.models import Deal
from dealplan.enums import Side
from dealplan.errors import InputError, NotFoundError
from dealplan.plan import map_service
from dealplan.plan.map_service import Plan
from dealplan.room.models import SignOff
from dealplan.room.service import NAME_LIMIT, signoffs

# The item fields a signature covers; `version` and `completed_at` are bookkeeping.
SIGNED_ITEM_FIELDS = (
    "action",
    "side",
    "seller_owner",
    "customer_owner",
    "due_date",
    "status",
    "milestone",
)
SIGNED_DEAL_FIELDS = ("problem", "solution", "buying_process", "target_date")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def map_snapshot(*, session: Session, deal_id: int, plan: Plan | None = None) -> dict[str, Any]:
    """The plan as it stands, as JSON-ready data: what a signature freezes.

    {"deal": {problem, solution, buying_process, target_date},
     "milestones": [{id, name, due_date}], "items": [{id, action, ..., milestone}]}
    `plan`: the deal's `deal_map` when the caller has read it already.
    """
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise NotFoundError(f"deal {deal_id} not found")
    milestones, items = (
        plan if plan is not None else map_service.deal_map(session=session, deal_id=deal_id)
    )
    names = {m.id: m.name for m in milestones}
    return {
        "deal": {
            "problem": deal.problem,
            "solution": deal.solution,
            "buying_process": deal.buying_process,
            "target_date": _iso(deal.close_date),
        },
        "milestones": [
            {"id": m.id, "name": m.name, "due_date": _iso(m.due_date)} for m in milestones
        ],
        "items": [
            {
                "id": i.id,
                "action": i.action,
                "side": i.side,
                "seller_owner": i.seller_owner,
                "customer_owner": i.customer_owner,
                "due_date": _iso(i.due_date),
                "status": i.status,
                "milestone": names.get(i.milestone_id) if i.milestone_id else None,
            }
            for i in items
        ],
    }


def sign(
    *,
    session: Session,
    deal_id: int,
    side: str,
    name: str,
    at: dt.datetime,
    room_id: int | None = None,
    note: str | None = None,
) -> SignOff:
    """Sign the plan as it stands for `side`; returns the sign-off with its version.

    The plan's content decides the version: signing what the latest signed version holds
    joins that version (so buyer and seller sign version 1 together); signing a changed
    plan starts the next version.
    """
    who = " ".join((name or "").split())
    if not who:
        raise InputError("name: a sign-off needs the signer's name")
    if len(who) > NAME_LIMIT:
        raise InputError(f"name: longer than {NAME_LIMIT} characters")
    snap = map_snapshot(session=session, deal_id=deal_id)
    done = signoffs(session=session, deal_id=deal_id)
    latest = done[-1] if done else None
    if latest is not None and latest.snapshot == snap:
        version = latest.version
    else:
        version = (latest.version if latest else 0) + 1
    row = SignOff(
        deal_id=deal_id,
        room_id=room_id,
        side=Side(side).value,
        name=who,
        signed_at=at,
        version=version,
        snapshot=snap,
        note=(note or "").strip() or None,
    )
    session.add(row)
    session.flush()
    return row


def signature_status(
    *,
    session: Session,
    deal_id: int,
    plan: Plan | None = None,
    signed_offs: Sequence[SignOff] | None = None,
) -> dict[str, Any]:
    """Where the sign-off stands.

    {"version": latest signed version or None, "signed": {"seller": {name, signed_at} | None,
     "buyer": ...} for that version, "complete": both sides signed it,
     "changes": list of changes since it (see `diff`), "history": every sign-off}
    `plan` (the deal's `deal_map`) and `signed_offs` (its `signoffs`): when the caller has
    read them already.
    """
    done = (
        list(signed_offs) if signed_offs is not None else signoffs(session=session, deal_id=deal_id)
    )
    if not done:
        return {"version": None, "signed": {}, "complete": False, "changes": [], "history": []}
    latest = done[-1]
    same = [s for s in done if s.version == latest.version]
    signed: dict[str, Any] = {}
    for s in same:
        signed.setdefault(s.side, {"name": s.name, "signed_at": s.signed_at})
    current = map_snapshot(session=session, deal_id=deal_id, plan=plan)
    return {
        "version": latest.version,
        "signed": signed,
        "complete": Side.SELLER.value in signed and Side.BUYER.value in signed,
        "changes": diff(latest.snapshot, current),
        "history": [
            {"version": s.version, "side": s.side, "name": s.name, "signed_at": s.signed_at}
            for s in done
        ],
    }


def diff(signed: dict[str, Any], current: dict[str, Any]) -> list[dict[str, Any]]:
    """Changes from the signed plan to the current one, in plan order.

    Each: {"kind": "added" | "removed" | "changed", "what": "item" | "milestone" | "plan",
    "label": the item's action (as signed when removed), "field", "signed", "now"}.
    """
    out: list[dict[str, Any]] = []
    for field in SIGNED_DEAL_FIELDS:
        old, new = signed.get("deal", {}).get(field), current.get("deal", {}).get(field)
        if old != new:
            out.append(_change("changed", "plan", field, field, old, new))
    for what, key, fields in (
        ("milestone", "name", ("name", "due_date")),
        ("item", "action", SIGNED_ITEM_FIELDS),
    ):
        was = {r["id"]: r for r in signed.get(what + "s", [])}
        now = {r["id"]: r for r in current.get(what + "s", [])}
        for rid, row in now.items():
            if rid not in was:
                out.append(_change("added", what, row[key], None, None, None))
                continue
            for field in fields:
                if was[rid].get(field) != row.get(field):
                    out.append(
                        _change("changed", what, row[key], field, was[rid].get(field), row[field])
                    )
        out += [
            _change("removed", what, row[key], None, None, None)
            for rid, row in was.items()
            if rid not in now
        ]
    return out


def _change(
    kind: str, what: str, label: str, field: str | None, old: Any, new: Any
) -> dict[str, Any]:
    return {"kind": kind, "what": what, "label": label, "field": field, "signed": old, "now": new}
