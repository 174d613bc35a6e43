"""A tiny builder of hand-made `DealFacts` for the health engines' tests.

`healthy()` is a deal every HEALTH-1 rule passes: a MAP both sides touched this week, the EB
met, a strong champion heard from lately, five engaged threads, MEDDPICC validated, ten days
into a stage whose norm is twenty. Tests change one thing with `dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from dealplan.engines.facts import (
    Change,
    DealFacts,
    Element,
    Item,
    MapEvent,
    Person,
    Signal,
    buyer_actor,
)
from dealplan.engines.stage_time import StageTime
from dealplan.enums import Element as ElementName

AS_OF = dt.datetime(2026, 6, 30, 17, 0)
TODAY = AS_OF.date()
SELLER = "Ann Seller"
CHAMPION = Person(
    2,
    "Dana Ruiz",
    "VP Operations",
    "champion",
    influence="high",
    support="high",
    engagement="engaged",
    relationship_depth=4,
    chess={c: True for c in ("credibility", "hunger", "engagement", "savvy", "sponsorship")},
    created_at=dt.datetime(2026, 3, 1, 9),
)
EB = Person(1, "Lee Park", "CFO", "economic_buyer", influence="high", engagement="engaged")
OTHERS = (
    Person(3, "Sam Ortiz", "Head of IT", "technical_buyer", engagement="engaged"),
    Person(4, "Kim Lu", "Ops lead", "user_buyer", engagement="engaged"),
    Person(5, "Ravi Shah", "Procurement", "procurement", engagement="engaged"),
)
STAGES: tuple[str, ...] = (
    "Pipeline Generation",
    "Discovery",
    "Demonstrating",
    "Proving Value",
    "Proposal",
    "Paper Process",
)
NORMS = {s: StageTime(s, 20.0, 30.0, 25, "history") for s in STAGES}


def ago(days: float, hour: int = 10) -> dt.datetime:
    """A moment `days` days before the as-of day, at `hour`."""
    return dt.datetime.combine(TODAY, dt.time(hour)) - dt.timedelta(days=days)


def day(offset: int) -> dt.date:
    """The as-of day moved by `offset` days (negative: in the past)."""
    return TODAY + dt.timedelta(days=offset)


def item(
    id: int,
    side: str = "buyer",
    *,
    status: str = "not_started",
    due: int | None = 7,
    owner: str | None = "Dana Ruiz",
    by: str = "seller",
    created: float = 20,
    completed: float | None = None,
    action: str | None = None,
) -> Item:
    """A MAP item due `due` days from the as-of day, created `created` days before it."""
    return Item(
        id,
        action or f"Action {id}",
        side,
        status=status,
        due_date=day(due) if due is not None else None,
        seller_owner=SELLER if side != "buyer" else None,
        customer_owner=owner if side != "seller" else None,
        created_by_side=by,
        completed_at=ago(completed) if completed is not None else None,
        created_at=ago(created),
    )


def event(
    days: float,
    actor: str = SELLER,
    *,
    record_id: int = 1,
    field: str = "status",
    old: Any = None,
    new: Any = None,
    op: str = "update",
) -> MapEvent:
    """A change to MAP item `record_id`, `days` days before the as-of day."""
    return MapEvent(ago(days), actor, "map_item", record_id, op, field, old, new)


def by_buyer(name: str = "Dana Ruiz") -> str:
    return buyer_actor(name)


def validated(*names: str) -> dict[str, Element]:
    return {n: Element(n, "validated") for n in names}


ALL = tuple(e.value for e in ElementName)


def healthy(**changes: Any) -> DealFacts:
    """The green deal described in the module docstring, with `changes` applied."""
    facts = DealFacts(
        id=1,
        name="Globex platform",
        stage="Proving Value",
        as_of=AS_OF,
        external_id="OPP-1",
        owner=SELLER,
        amount=80_000.0,
        close_date=day(45),
        created_date=day(-60),
        forecast_category="best_case",
        next_step="Weekly MAP sync with Dana Ruiz",
        next_step_date=day(3),
        competitor="Initech",
        eb_checklist={"met": True, "agrees_problem": True, "agrees_metrics": True},
        committee=(EB, CHAMPION, *OTHERS),
        meddpicc=validated(*ALL),
        items=(
            item(1, "seller", due=5),
            item(2, "buyer", due=7),
            item(3, "buyer", status="complete", due=-3, completed=3),
            item(4, "buyer", due=10, by="buyer", created=6),
        ),
        map_events=(
            event(6, by_buyer(), record_id=4, op="create", field="*"),
            event(3, by_buyer(), record_id=3, new="complete"),
            event(2, record_id=1, new="in_progress"),
        ),
        signals=(Signal("next_meeting_scheduled", ago(5), CHAMPION.id, CHAMPION.name),),
        stage_changes=(
            Change(ago(40), "Discovery", "Demonstrating", SELLER),
            Change(ago(10), "Demonstrating", "Proving Value", SELLER),
        ),
        created_at=ago(60),
    )
    return replace(facts, **changes)
