"""The demo's deals are true to life: healthy, middling and dying deals look it when rebuilt."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.demo import ARCHETYPES
from dealplan.history.rebuild import DealState, deal_as_of, stage_timeline
from dealplan.methodology import load_model
from dealplan.models import Activity, Deal, HistoryEntry, MapItem
from tests.demo.conftest import AS_OF, Built

STAGE_ORDER = {name: i for i, name in enumerate(load_model("unified").names)}


def _state(session: Session, deal_id: int, as_of: dt.datetime = AS_OF) -> DealState:
    state = deal_as_of(session, deal_id=deal_id, as_of=as_of)
    assert state is not None
    return state


def _map_changes(session: Session, deal_id: int) -> list[HistoryEntry]:
    items = select(MapItem.id).where(MapItem.deal_id == deal_id)
    q = select(HistoryEntry).where(
        HistoryEntry.entity == "map_item", HistoryEntry.entity_id.in_(items)
    )
    return sorted(session.scalars(q), key=lambda e: (e.at, e.id))


def _element(state: DealState, name: str) -> str:
    return str(next(m["status"] for m in state.meddpicc if m["element"] == name))


def _engaged(state: DealState) -> int:
    return sum(1 for c in state.committee if c["engagement"] == "engaged")


def _slips(session: Session, deal_id: int) -> int:
    rows = session.execute(
        select(HistoryEntry.old, HistoryEntry.new).where(
            HistoryEntry.entity == "deal",
            HistoryEntry.entity_id == deal_id,
            HistoryEntry.field == "close_date",
        )
    )
    return sum(1 for old, new in rows if old and new and new > old)


def _days_before_as_of(at: dt.datetime) -> float:
    return (AS_OF - at).total_seconds() / 86400


def test_every_archetype_is_there_and_each_deal_has_exactly_one(
    demo: Built, demo_session: Session
) -> None:
    archetypes = demo.manifest.archetypes
    assert tuple(archetypes) == ARCHETYPES
    assert all(len(archetypes[a]) >= 5 for a in ARCHETYPES)
    ids = [i for a in ARCHETYPES for i in archetypes[a]]
    assert sorted(ids) == sorted(demo_session.scalars(select(Deal.id)))
    assert demo.manifest.archetype_of(archetypes["dying"][0]) == "dying"


def test_dying_deals_have_a_plan_untouched_for_weeks_no_economic_buyer_and_a_dark_champion(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("dying"):
        state = _state(demo_session, deal_id)
        deal = state.deal
        assert deal["outcome"] == "open"
        changes = _map_changes(demo_session, deal_id)
        assert changes, f"deal {deal_id} has no MAP"
        last = changes[-1].at
        assert _days_before_as_of(last) > 21
        assert _days_before_as_of(last) < 60
        # EB never met and a committee gone cold: both, not either.
        assert _element(state, "economic_buyer") == "unknown"
        assert _engaged(state) < 2
        assert _element(state, "champion") != "validated"
        assert _slips(demo_session, deal_id) >= 2
        assert deal["next_step_date"] < AS_OF.date() - dt.timedelta(days=14)
        kinds = {a["type"] for a in state.activities}
        assert "champion_dark" in kinds
        # After the plan went quiet only the seller shows up in the activity log.
        later = [a for a in state.activities if a["occurred_at"] > last]
        assert all(a["actor"] == deal["owner"] for a in later)
        items = state.map_items
        buyer_open = [
            i for i in items if i["side"] != "seller" and i["status"] not in ("complete",)
        ]
        seller_only = all(i["side"] == "seller" for i in items)
        assert seller_only or buyer_open
        assert all(i["due_date"] < AS_OF.date() for i in items)


def test_healthy_deals_are_worked_by_both_sides_this_week_with_four_engaged_contacts(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("healthy"):
        state = _state(demo_session, deal_id)
        changes = _map_changes(demo_session, deal_id)
        buyer = [c for c in changes if c.actor.endswith("(buyer)")]
        seller = [c for c in changes if not c.actor.endswith("(buyer)")]
        assert _days_before_as_of(buyer[-1].at) <= 7
        assert _days_before_as_of(seller[-1].at) <= 7
        names = {c["name"] for c in state.committee}
        assert {c.actor.removesuffix(" (buyer)") for c in buyer} <= names
        assert _engaged(state) >= 4
        assert _element(state, "economic_buyer") == "validated"
        assert _element(state, "champion") == "validated"
        assert _slips(demo_session, deal_id) == 0
        items = state.map_items
        open_items = [i for i in items if i["status"] in ("not_started", "in_progress")]
        assert {"seller", "buyer"} <= {i["side"] for i in open_items}
        assert any(i["created_by_side"] == "buyer" for i in items)
        assert any(i["status"] == "complete" and i["side"] == "buyer" for i in items)
        recent = {a["type"] for a in state.activities if _days_before_as_of(a["occurred_at"]) <= 14}
        assert "next_meeting_scheduled" in recent
        assert {"eb_attends"} <= {a["type"] for a in state.activities}
        assert state.deal["next_step_date"] >= AS_OF.date()


def test_middling_deals_have_a_plan_last_touched_one_to_three_weeks_ago_mostly_by_the_seller(
    demo: Built, demo_session: Session
) -> None:
    buyer_moves = seller_moves = 0
    for deal_id in demo.manifest.deals("middling"):
        state = _state(demo_session, deal_id)
        changes = _map_changes(demo_session, deal_id)
        assert 8 <= _days_before_as_of(changes[-1].at) <= 21
        assert any(m["status"] == "assumed" for m in state.meddpicc)
        moves = {(c.at, c.actor) for c in changes}
        buyer_moves += sum(1 for _, actor in moves if actor.endswith("(buyer)"))
        seller_moves += sum(1 for _, actor in moves if not actor.endswith("(buyer)"))
    assert buyer_moves < seller_moves / 2


def test_new_deals_are_just_created_in_pipeline_generation_without_a_plan(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("new"):
        state = _state(demo_session, deal_id)
        assert state.deal["stage"] == "Pipeline Generation"
        assert state.map_items == []


def test_won_deals_followed_their_plan_with_the_buyer_taking_part(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("won"):
        state = _state(demo_session, deal_id)
        assert state.deal["stage"] == "Closed Won"
        assert state.deal["forecast_category"] == "closed"
        assert _element(state, "economic_buyer") == "validated"
        items = state.map_items
        if not items:
            continue
        done = sum(1 for i in items if i["status"] == "complete")
        assert done == len(items)
        changes = _map_changes(demo_session, deal_id)
        assert any(c.actor.endswith("(buyer)") for c in changes)


def test_lost_deals_carry_a_reason_and_their_plan_stalled_weeks_before_the_loss(
    demo: Built, demo_session: Session
) -> None:
    for deal_id in demo.manifest.deals("lost"):
        state = _state(demo_session, deal_id)
        deal = state.deal
        assert deal["stage"] == "Closed Lost"
        assert deal["loss_reason"]
        closed = dt.datetime.combine(deal["closed_date"], dt.time())
        before_close = [c for c in _map_changes(demo_session, deal_id) if c.at < closed]
        if before_close:
            assert (closed - before_close[-1].at).days >= 14


def test_deals_move_through_the_stages_in_order_and_stood_earlier_three_months_ago(
    demo: Built, demo_session: Session
) -> None:
    for deal in demo_session.scalars(select(Deal)):
        timeline = stage_timeline(demo_session, deal_id=deal.id)
        order = [STAGE_ORDER[c.to_stage] for c in timeline]
        assert order == sorted(order)
        assert len(set(order)) == len(order)
        assert timeline[-1].to_stage == deal.stage
    then = AS_OF - dt.timedelta(days=90)
    candidates = demo_session.scalars(
        select(Deal)
        .where(Deal.outcome == "open", Deal.created_date < then.date())
        .where(Deal.stage.in_(["Proposal", "Paper Process"]))
        .order_by(Deal.id)
        .limit(6)
    ).all()
    earlier = 0
    for deal in candidates:
        past = _state(demo_session, deal.id, then)
        assert STAGE_ORDER[past.deal["stage"]] <= STAGE_ORDER[deal.stage]
        earlier += STAGE_ORDER[past.deal["stage"]] < STAGE_ORDER[deal.stage]
    assert earlier >= 1


def test_buyers_and_sellers_both_leave_their_names_in_the_history(
    demo: Built, demo_session: Session
) -> None:
    actors: dict[str, int] = defaultdict(int)
    for actor in demo_session.scalars(select(HistoryEntry.actor)):
        actors["buyer" if actor.endswith("(buyer)") else actor] += 1
    assert actors["buyer"] > 200
    owners = set(demo_session.scalars(select(Deal.owner).distinct()))
    assert owners <= set(actors)
    signals = set(demo_session.scalars(select(Activity.type).distinct()))
    assert {
        "next_meeting_scheduled",
        "eb_attends",
        "internal_docs_shared",
        "meeting_rescheduled",
        "champion_dark",
        "budget_concern",
        "vague_get_back",
    } <= signals
