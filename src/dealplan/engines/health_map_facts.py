"""The MAP part of `HealthFeatures`, from a deal's `DealFacts` (see engines/health_features.py).

What MAP-2..MAP-5 read: the last change to the plan and by whom, open or recent actions per
side, overdue and long-pending customer actions, due-date moves, new stakeholders, actions
the customer added, the customer action to name in the silence playbook.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dealplan.engines.facts import DealFacts, Item
from dealplan.engines.health_common import setting
from dealplan.engines.health_features import POSITIVE_SIGNALS, ItemRef, item_ref
from dealplan.methodology.thresholds import Thresholds


def _lives(facts: DealFacts, items: list[Item]) -> dict[int, tuple[Any, Any]]:
    """Per item: when history last saw it change, and when it was completed."""
    last: dict[int, dt.datetime] = {}
    done: dict[int, dt.datetime] = {}
    for e in facts.map_events:
        if e.entity != "map_item":
            continue
        last[e.record_id] = e.at
        if e.field == "status" and e.new == "complete":
            done[e.record_id] = e.at
    return {i.id: (last.get(i.id, i.created_at), i.completed_at or done.get(i.id)) for i in items}


def _due_moves(facts: DealFacts) -> tuple[list[int], list[int]]:
    """Days each due date was pushed out, and days each was pulled in (items and milestones)."""
    out: list[int] = []
    back: list[int] = []
    for e in facts.map_events:
        if e.field != "due_date" or e.op != "update":
            continue
        if isinstance(e.old, dt.date) and isinstance(e.new, dt.date):
            delta = (e.new - e.old).days
            if delta > 0:
                out.append(delta)
            elif delta < 0:
                back.append(-delta)
    return out, back


def new_people(facts: DealFacts, items: list[Item], days: int) -> tuple[str, ...]:
    """Customer names first seen (as MAP owners or committee members) in the last `days`."""
    since = facts.as_of - dt.timedelta(days=days)
    seen_before: set[str] = set()
    seen_since: list[str] = []
    for i in sorted(items, key=lambda i: i.created_at or facts.as_of):
        name = i.customer_owner
        if not name or not i.buyer_side:
            continue
        if (i.created_at or facts.as_of) < since:
            seen_before.add(name)
        elif name not in seen_before and name not in seen_since:
            seen_since.append(name)
    for p in sorted(facts.committee, key=lambda p: p.id):
        if p.created_at is not None and p.created_at >= since and p.name not in seen_since:
            seen_since.append(p.name)
    return tuple(n for n in seen_since if n not in seen_before)


def _named_action(items: list[Item]) -> ItemRef | None:
    """The customer action to ask about: the most overdue open one, else the next due,
    else the customer's latest action of any status."""
    theirs = [i for i in items if i.buyer_side]
    open_ = [i for i in theirs if i.open]
    if open_:
        return item_ref(
            min(open_, key=lambda i: (i.due_date is None, i.due_date or dt.date.max, i.id))
        )
    if theirs:
        return item_ref(max(theirs, key=lambda i: (i.due_date or dt.date.min, i.id)))
    return None


def _done_lately(items: list[Item]) -> tuple[str, ...]:
    """Our latest completed actions (at most three, latest first)."""
    done = [i for i in items if i.seller_side and i.status == "complete"]
    done.sort(key=lambda i: (i.completed_at or dt.datetime.min, i.id), reverse=True)
    return tuple(i.action for i in done[:3])


def map_features(facts: DealFacts, t: Thresholds) -> dict[str, Any]:
    """The MAP fields of `HealthFeatures` for `facts`."""
    today = facts.today
    events = facts.map_events
    items = sorted((i for i in facts.items if i.status != "cancelled"), key=lambda i: i.id)
    lives = _lives(facts, items)
    recent_from = today - dt.timedelta(days=int(setting(t, "map.recent_days")))

    def active(i: Item) -> bool:
        done = lives[i.id][1]
        return i.open or (done is not None and done.date() >= recent_from)

    live = [i for i in items if active(i)]
    last = max(events, key=lambda e: e.at) if events else None
    heard = [e.at for e in events if e.side == "buyer"]
    heard += [s.at for s in facts.signals if s.type in POSITIVE_SIGNALS]
    buyer_all = [i for i in items if i.buyer_side]
    overdue = sorted(
        (i for i in buyer_all if i.open and i.due_date and i.due_date < today),
        key=lambda i: i.due_date or today,
    )
    due_by = today - dt.timedelta(weeks=int(setting(t, "map.pending_weeks")))
    pending = [
        item_ref(i, lives[i.id][0])
        for i in buyer_all
        if i.open
        and i.due_date is not None
        and i.due_date < due_by
        and (lives[i.id][0] or facts.as_of).date() <= i.due_date
    ]
    pushed, pulled = _due_moves(facts)
    dated = [i.due_date for i in items if i.due_date is not None]
    days = int(setting(t, "map.new_stakeholder_days"))
    since = facts.as_of - dt.timedelta(days=days)
    added = [i for i in items if i.created_by_side == "buyer"]
    return {
        "any_items": bool(facts.items),
        "items": len(items),
        "map_events": len(events),
        "first_map_event": min((e.at for e in events), default=None),
        "last_map_event": last.at if last else None,
        "last_map_actor": last.actor if last else None,
        "buyer_items_any": bool(buyer_all),
        "seller_live": sum(1 for i in live if not i.buyer_side),
        "buyer_live": sum(1 for i in live if i.buyer_side),
        "customer_last_heard": max(heard, default=None),
        "overdue": tuple(item_ref(i) for i in overdue),
        "buyer_total": len(buyer_all),
        "buyer_due_passed": sum(1 for i in buyer_all if i.due_date and i.due_date < today),
        "buyer_any_complete": any(i.status == "complete" for i in buyer_all),
        "pushed": len(pushed),
        "pushed_days": sum(pushed),
        "pulled": len(pulled),
        "pulled_days": sum(pulled),
        "pending": tuple(pending),
        "latest_due": max(dated, default=None),
        "dated": len(dated),
        "new_people": new_people(facts, items, days),
        "buyer_added": tuple(i.action for i in added),
        "buyer_added_recent": sum(
            1 for i in added if i.created_at is not None and i.created_at >= since
        ),
        "named_action": _named_action(items),
        "done_lately": _done_lately(items),
    }
