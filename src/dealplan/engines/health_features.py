"""What the deal-health rules read about one deal: a flat record of per-deal features.

The rules (engines/deal_health.py and the engines it calls) read only `HealthFeatures`. Two
builders make it: `features_of(facts)` from a deal's `DealFacts` (any moment: `deal check`,
`--as-of` in the past, timelines, backtests), and `health_frame.features_table` vectorised
over whole tables (review at the present). Both must give equal records for the same deal.

Ties are broken by record id on both paths (items, committee members), so the record does not
depend on the order rows came back from the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from dealplan.engines.committee import champion_heard, chess_of
from dealplan.engines.facts import DealFacts, Item, Override, Signal
from dealplan.engines.health_common import setting
from dealplan.methodology.thresholds import Thresholds

POSITIVE_SIGNALS = frozenset(
    {
        "next_meeting_scheduled",
        "eb_attends",
        "internal_docs_shared",
        "implementation_questions",
        "procurement_timeline_given",
        "references_requested",
        "legal_review_started",
    }
)
DANGER_SIGNALS = frozenset(
    {
        "meeting_rescheduled",
        "late_new_stakeholder",
        "run_by_no_followup",
        "competitor_after_win",
        "budget_concern",
        "champion_dark",
        "vague_get_back",
    }
)


class ItemRef(NamedTuple):
    """A MAP item as evidence: what, whose, when due, its status and when last touched."""

    action: str
    owner: str | None
    due_date: dt.date | None
    status: str
    last_change: dt.datetime | None = None


class Move(NamedTuple):
    """A dated change of a value (close-date pushes, stage moves)."""

    at: dt.datetime
    old: Any
    new: Any


# Not frozen: with some sixty fields, a frozen `__init__` measured as a tenth of building a
# deal's health in a large review. Nothing changes a record once made.
@dataclass(slots=True)
class HealthFeatures:
    """One deal at `as_of`, reduced to what the health rules read (see module docstring)."""

    id: int
    as_of: dt.datetime
    stage: str
    outcome: str
    owner: str | None
    amount: float | None
    close_date: dt.date | None
    closed_date: dt.date | None
    created_date: dt.date | None
    forecast_category: str | None
    competitor: str | None
    next_step: str | None
    next_step_date: dt.date | None
    eb_access: str | None
    eb_checklist: Mapping[str, bool]
    # When the deal entered its stage (its creation in history if it never moved).
    stage_entered: dt.datetime | None
    stage_moves: tuple[Move, ...]
    close_pushes: tuple[Move, ...]
    overrides: tuple[Override, ...]
    # MAP (MAP-2..MAP-4): items exclude cancelled ones unless said otherwise.
    any_items: bool
    items: int
    map_events: int
    first_map_event: dt.datetime | None
    last_map_event: dt.datetime | None
    last_map_actor: str | None
    buyer_items_any: bool
    seller_live: int
    buyer_live: int
    customer_last_heard: dt.datetime | None
    overdue: tuple[ItemRef, ...]
    buyer_total: int
    buyer_due_passed: int
    buyer_any_complete: bool
    pushed: int
    pushed_days: int
    pulled: int
    pulled_days: int
    pending: tuple[ItemRef, ...]
    latest_due: dt.date | None
    dated: int
    new_people: tuple[str, ...]
    buyer_added: tuple[str, ...]
    buyer_added_recent: int
    named_action: ItemRef | None
    done_lately: tuple[str, ...]
    # Committee (QUAL-3, QUAL-5, QUAL-6).
    committee: int
    engaged: tuple[str, ...]
    engaged_roles: frozenset[str]
    eb_name: str | None
    eb_attended: bool
    champion_name: str | None
    champion_chess: Mapping[str, bool]
    chess_inferred: bool
    champion_heard: dt.datetime | None
    champion_flagged: dt.datetime | None
    # MEDDPICC statuses as recorded (element -> status).
    statuses: Mapping[str, str]
    # Momentum (QUAL-7): positive and danger signals within `health.momentum_days`.
    positive: tuple[Signal, ...]
    danger: tuple[Signal, ...]
    first_demo: dt.datetime | None
    proposal_sent: bool
    # Anything logged or planned after the close (post-close abandonment).
    after_close: bool

    @property
    def today(self) -> dt.date:
        return self.as_of.date()

    def status(self, element: str) -> str:
        return self.statuses.get(element, "unknown")


def item_ref(i: Item, last: dt.datetime | None = None) -> ItemRef:
    return ItemRef(i.action, i.customer_owner, i.due_date, i.status, last)


def features_of(facts: DealFacts, t: Thresholds) -> HealthFeatures:
    """The features of `facts` at `facts.as_of` (windows in days from the thresholds `t`)."""
    from dealplan.engines.health_map_facts import map_features

    momentum_days = int(setting(t, "health.momentum_days"))
    today = facts.today
    committee = sorted(facts.committee, key=lambda p: p.id)
    engaged = [p for p in committee if p.engagement == "engaged"]
    ebs = [p for p in committee if p.role == "economic_buyer"]
    champs = [p for p in committee if p.role == "champion"]
    chess: dict[str, bool] = {}
    inferred = False
    heard: tuple[dt.datetime | None, dt.datetime | None] = (None, None)
    if champs:
        chess, inferred = chess_of(champs[0])
        heard = champion_heard(facts, champs[0])
    since = today - dt.timedelta(days=momentum_days)
    recent = [s for s in facts.signals if since <= s.at.date() and s.at <= facts.as_of]
    entered = facts.stage_entered_at
    demos = [s.at for s in facts.signals if s.type == "demo"]
    closed = facts.closed_date
    after = closed is not None and (
        any(s.at.date() > closed for s in facts.signals)
        or any(e.at.date() > closed for e in facts.map_events)
    )
    return HealthFeatures(
        id=facts.id,
        as_of=facts.as_of,
        stage=facts.stage,
        outcome=facts.outcome,
        owner=facts.owner,
        amount=facts.amount,
        close_date=facts.close_date,
        closed_date=facts.closed_date,
        created_date=facts.created_date,
        forecast_category=facts.forecast_category,
        competitor=facts.competitor,
        next_step=facts.next_step,
        next_step_date=facts.next_step_date,
        eb_access=facts.eb_access,
        eb_checklist={k: bool(v) for k, v in facts.eb_checklist.items()},
        stage_entered=entered,
        stage_moves=tuple(Move(c.at, c.old, c.new) for c in facts.stage_changes),
        close_pushes=tuple(
            Move(c.at, c.old, c.new)
            for c in facts.close_date_changes
            if isinstance(c.old, dt.date) and isinstance(c.new, dt.date) and c.new > c.old
        ),
        overrides=facts.overrides,
        **map_features(facts, t),
        committee=len(committee),
        engaged=tuple(p.name for p in engaged),
        engaged_roles=frozenset(p.role for p in engaged if p.role),
        eb_name=ebs[0].name if ebs else None,
        eb_attended=any(s.type == "eb_attends" for s in facts.signals),
        champion_name=champs[0].name if champs else None,
        champion_chess=chess,
        chess_inferred=inferred,
        champion_heard=heard[0],
        champion_flagged=heard[1],
        statuses={e: el.status for e, el in facts.meddpicc.items()},
        positive=tuple(s for s in recent if s.type in POSITIVE_SIGNALS),
        danger=tuple(s for s in recent if s.type in DANGER_SIGNALS),
        first_demo=demos[0] if demos else None,
        proposal_sent=any(s.type == "proposal" for s in facts.signals),
        after_close=after,
    )
