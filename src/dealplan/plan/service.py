"""Closing plans (MAP-6): computing one for a deal, and turning it into the deal's MAP."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from dealplan.deal.facts import load_bundles
from dealplan.deal.models import Deal
from dealplan.engines.closing_plan import ClosingPlan, NotPlannableError, closing_plan, map_draft
from dealplan.engines.facts import Change, DealFacts
from dealplan.engines.stage_time import StageTime, stage_times
from dealplan.enums import HistoryOp
from dealplan.errors import DealplanError, InputError, NotFoundError
from dealplan.history.codec import decode
from dealplan.history.models import HistoryEntry
from dealplan.history.service import recording
from dealplan.methodology.thresholds import Thresholds, with_overrides
from dealplan.plan.models import MapItem, Milestone
from dealplan.workspace.service import get_setting, stage_model

THRESHOLDS = "thresholds"


class NotReadyForMapError(DealplanError):
    """The closing plan cannot become a MAP yet (no champion or no economic buyer)."""


@dataclass(frozen=True)
class Conversion:
    """What `convert_to_map` wrote: created milestones/items, and those already there."""

    deal_id: int
    actor: str
    at: dt.datetime
    milestones_created: list[dict[str, Any]] = field(default_factory=list)
    items_created: list[dict[str, Any]] = field(default_factory=list)
    milestones_existing: int = 0
    already: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id,
            "actor": self.actor,
            "at": self.at,
            "milestones_created": self.milestones_created,
            "items_created": self.items_created,
            "milestones_already_there": self.milestones_existing,
            "steps_already_in_map": self.already,
        }


def workspace_thresholds(*, session: Session) -> Thresholds:
    """The shipped thresholds with the workspace's overrides (setting "thresholds").

    Raises InputError when a stored override no longer fits the shipped thresholds.
    """
    overrides = dict(get_setting(session=session, key=THRESHOLDS, default={}) or {})
    try:
        return with_overrides(overrides)
    except (KeyError, TypeError) as exc:
        raise InputError(
            f"a workspace threshold override is not valid: {exc.args[0]}; "
            "reset it with `dealplan methodology set KEY --reset`"
        ) from None


def workspace_stage_times(
    *, session: Session, as_of: dt.datetime, t: Thresholds
) -> dict[str, StageTime]:
    """Time in each open stage of the workspace's model, from the deals closed by `as_of`.

    Reads only those deals' creation and stage-change history (one query): that is all the
    stage times need, so a workspace with thousands of closed deals stays quick.
    """
    h = HistoryEntry
    q = (
        select(h.entity_id, h.op, h.old, h.new, h.at)
        .join(Deal, Deal.id == h.entity_id)
        .where(
            h.entity == "deal",
            h.at <= as_of,
            Deal.outcome != "open",
            or_(Deal.closed_date.is_(None), Deal.closed_date <= as_of.date()),
            or_(h.op == HistoryOp.CREATE, h.field == "stage"),
        )
        .order_by(h.entity_id, h.at, h.id)
    )
    created: dict[int, dt.datetime] = {}
    moves: dict[int, list[Change]] = defaultdict(list)
    for deal_id, op, old, new, at in session.execute(q):
        if op == HistoryOp.CREATE:
            created.setdefault(deal_id, at)
        else:
            moves[deal_id].append(Change(at, decode(old), decode(new), ""))
    closed = [
        DealFacts(
            id=deal_id,
            name="",
            stage="",
            as_of=as_of,
            stage_changes=tuple(moves[deal_id]),
            created_at=at,
        )
        for deal_id, at in created.items()
    ]
    return stage_times(closed, stage_model(session=session), t)


def deal_facts(*, session: Session, deal_id: int, as_of: dt.datetime) -> DealFacts:
    """The deal's facts at `as_of`; NotFoundError when it did not exist then."""
    bundles = load_bundles(session, [deal_id])
    facts = bundles[0].facts(as_of) if bundles else None
    if facts is None:
        raise NotFoundError(f"deal {deal_id} did not exist on {as_of:%Y-%m-%d}")
    return facts


def plan_for(
    *, session: Session, deal_id: int, as_of: dt.datetime, t: Thresholds
) -> tuple[ClosingPlan, DealFacts]:
    """The closing plan of the deal at `as_of` (InputError for a closed deal), with its facts."""
    facts = deal_facts(session=session, deal_id=deal_id, as_of=as_of)
    times = workspace_stage_times(session=session, as_of=as_of, t=t)
    try:
        plan = closing_plan(facts, stage_model(session=session), times, t)
    except NotPlannableError as exc:
        raise InputError(f"deal {deal_id} ({facts.name}): {exc}") from None
    return plan, facts


def last_change_at(*, session: Session, deal_id: int) -> dt.datetime | None:
    """When the deal or its MAP last changed in history."""
    h = HistoryEntry
    deal_last = session.scalar(
        select(func.max(h.at)).where(h.entity == "deal", h.entity_id == deal_id)
    )
    item_ids = select(MapItem.id).where(MapItem.deal_id == deal_id)
    ms_ids = select(Milestone.id).where(Milestone.deal_id == deal_id)
    map_last = session.scalar(
        select(func.max(h.at)).where(
            ((h.entity == "map_item") & h.entity_id.in_(item_ids))
            | ((h.entity == "milestone") & h.entity_id.in_(ms_ids))
        )
    )
    found = [a for a in (deal_last, map_last) if a is not None]
    return max(found) if found else None


def convert_to_map(
    *,
    session: Session,
    plan: ClosingPlan,
    facts: DealFacts,
    actor: str,
    at: dt.datetime,
    t: Thresholds,
) -> Conversion:
    """Write the closing plan into the deal's MAP, recorded in history as `actor` at `at`.

    Steps the MAP already covers (the same action, or a buyer step's `same_as` terms) and
    milestones of the same name are left as they are, so a second run creates nothing.
    Raises NotReadyForMapError without a champion and an economic buyer, and InputError
    when `at` is before the deal's last recorded change (history stays in time order).
    Flushes; the caller commits.
    """
    if not plan.map_ready:
        raise NotReadyForMapError(
            f"deal {plan.deal_id} ({plan.deal}) stays a closing plan: "
            + "; ".join(plan.map_blockers)
            + ". A MAP is shared with the buyer once a champion and the economic buyer are "
            "identified (set their committee roles, then run this again)."
        )
    last = last_change_at(session=session, deal_id=plan.deal_id)
    if last is not None and at < last:
        raise InputError(
            f"--as-of {at:%Y-%m-%d %H:%M} is before the deal's last recorded change "
            f"({last:%Y-%m-%d %H:%M}); the MAP can only be written from then on"
        )
    milestones = {
        m.name.casefold(): m
        for m in session.scalars(select(Milestone).where(Milestone.deal_id == plan.deal_id))
    }
    existing = list(
        session.scalars(
            select(MapItem.action).where(MapItem.deal_id == plan.deal_id).order_by(MapItem.id)
        )
    )
    draft = map_draft(plan, facts.committee, t, existing)
    position = len(milestones)
    made_ms: list[dict[str, Any]] = []
    made_items: list[dict[str, Any]] = []
    ms_existing = 0
    with recording(session, actor=actor, at=at):
        for dm in draft.milestones:
            if dm.name.casefold() in milestones:
                ms_existing += 1
                continue
            ms = Milestone(
                deal_id=plan.deal_id, name=dm.name, due_date=dm.due_date, position=position
            )
            position += 1
            session.add(ms)
            milestones[dm.name.casefold()] = ms
            made_ms.append({"name": dm.name, "due_date": dm.due_date, "stage": dm.stage})
        session.flush()
        for di in draft.items:
            session.add(
                MapItem(
                    deal_id=plan.deal_id,
                    milestone_id=milestones[di.milestone.casefold()].id,
                    action=di.action,
                    side=di.side,
                    seller_owner=di.seller_owner,
                    customer_owner=di.customer_owner,
                    due_date=di.due_date,
                    status="not_started",
                    created_by_side="seller",
                    notes=di.notes,
                )
            )
            made_items.append(
                {
                    "action": di.action,
                    "side": di.side,
                    "milestone": di.milestone,
                    "due_date": di.due_date,
                    "seller_owner": di.seller_owner,
                    "customer_owner": di.customer_owner,
                }
            )
        session.flush()
    return Conversion(
        plan.deal_id,
        actor,
        at,
        made_ms,
        made_items,
        ms_existing,
        [{"step": step, "covered_by": found} for step, found in draft.already],
    )
