"""MAP health (MAP-2, MAP-3) and the dying/healthy indicators (MAP-4), on hand-made facts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dealplan.engines.facts import Person
from dealplan.engines.map_health import RANK, MapHealth, map_health
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import default_thresholds, with_overrides
from tests.health.deal_facts import (
    SELLER,
    TODAY,
    ago,
    by_buyer,
    day,
    event,
    healthy,
    item,
)

T = default_thresholds()


def codes(facts_level: MapHealth) -> set[str]:
    return {r.code for r in facts_level.verdict.reasons}


@pytest.mark.parametrize(
    ("days", "level", "code"),
    [
        (0, Level.GREEN, "map_fresh"),
        (7, Level.GREEN, "map_fresh"),
        (8, Level.YELLOW, "map_quiet"),
        (21, Level.YELLOW, "map_quiet"),
        (22, Level.RED, "map_stale"),
        (42, Level.RED, "map_stale"),
        (43, Level.DEAD, "map_dead"),
    ],
)
def test_a_map_is_judged_by_the_days_since_either_side_last_changed_it(
    days: int, level: Level, code: str
) -> None:
    mh = map_health(healthy(map_events=(event(days),)), T)
    assert mh.level is level
    assert code in codes(mh)
    assert mh.days_since_update == days


def test_the_staleness_reason_names_the_days_and_who_made_the_last_change() -> None:
    mh = map_health(healthy(map_events=(event(30), event(25, by_buyer("Kim Lu")))), T)
    stale = next(r for r in mh.verdict.reasons if r.code == "map_stale")
    assert stale.rule == "MAP-3"
    assert stale.evidence["days_since_update"] == 25
    assert stale.evidence["by"] == "Kim Lu (buyer)"
    assert stale.evidence["side"] == "buyer"
    assert "25 days" in stale.message
    assert "Kim Lu (buyer)" in stale.message
    assert stale.action


def test_a_change_by_the_buyer_counts_as_an_update_as_much_as_one_by_the_seller() -> None:
    mh = map_health(healthy(map_events=(event(30), event(2, by_buyer()))), T)
    assert mh.level is Level.GREEN
    assert mh.last_update_side == "buyer"


def test_dead_after_follows_the_workspace_threshold() -> None:
    t = with_overrides({"map.dead_after_days": 30})
    assert map_health(healthy(map_events=(event(30),)), t).level is Level.RED
    assert map_health(healthy(map_events=(event(31),)), t).level is Level.DEAD


@pytest.mark.parametrize(
    ("sellers", "buyers", "mostly_seller"),
    [
        (1, 1, False),
        (3, 1, False),  # 75%: not above the 0.75 share
        (4, 1, True),  # 80%
        (5, 0, False),  # no buyer action at all: MAP-2 instead
    ],
)
def test_mostly_seller_actions_is_yellow_above_the_seller_share(
    sellers: int, buyers: int, mostly_seller: bool
) -> None:
    items = tuple(item(i, "seller") for i in range(1, sellers + 1)) + tuple(
        item(100 + i, "buyer") for i in range(buyers)
    )
    mh = map_health(healthy(items=items), T)
    assert ("mostly_seller" in codes(mh)) is mostly_seller
    if mostly_seller:
        reason = next(r for r in mh.verdict.reasons if r.code == "mostly_seller")
        assert reason.level is Level.YELLOW
        assert reason.evidence["seller_items"] == sellers
        assert reason.evidence["buyer_items"] == buyers


def test_a_plan_with_only_seller_actions_is_a_demo_not_a_deal() -> None:
    items = (item(1, "seller"), item(2, "seller"))
    mh = map_health(healthy(items=items, map_events=(event(5, op="create"), event(2))), T)
    reason = next(r for r in mh.verdict.reasons if r.code == "seller_only")
    assert reason.rule == "MAP-2"
    assert reason.level is Level.YELLOW
    assert "a demo, not a deal" in reason.message


def test_only_seller_actions_with_the_customer_unresponsive_is_red() -> None:
    items = (item(1, "seller"), item(2, "seller"))
    facts = healthy(items=items, map_events=(event(30, op="create"), event(2)), signals=())
    mh = map_health(facts, T)
    reason = next(r for r in mh.verdict.reasons if r.code == "seller_only_unresponsive")
    assert reason.level is Level.RED
    assert mh.level is Level.RED


@pytest.mark.parametrize(("overdue", "slow"), [(14, False), (15, True)])
def test_a_customer_action_overdue_more_than_two_weeks_makes_the_customer_slow(
    overdue: int, slow: bool
) -> None:
    late = item(9, "buyer", due=-overdue, owner="Kim Lu", action="Security questionnaire")
    facts = healthy(items=(*healthy().items, late))
    mh = map_health(facts, T)
    assert ("customer_slow" in codes(mh)) is slow
    if slow:
        reason = next(r for r in mh.verdict.reasons if r.code == "customer_slow")
        assert reason.evidence["overdue"][0]["action"] == "Security questionnaire"
        assert reason.evidence["overdue"][0]["owner"] == "Kim Lu"
        assert reason.evidence["overdue"][0]["due_date"] == day(-overdue)
        assert "Kim Lu" in reason.message
    assert mh.overdue_customer[0]["days_overdue"] == overdue


def test_a_customer_who_completed_none_of_their_due_actions_is_not_completing() -> None:
    items = (item(1, "seller"), item(2, "buyer", due=-3), item(3, "buyer", due=5))
    mh = map_health(healthy(items=items), T)
    assert "customer_not_completing" in codes(mh)
    assert mh.level is Level.YELLOW


@pytest.mark.parametrize(
    ("stage", "level"),
    [
        ("Pipeline Generation", Level.GREEN),
        ("Discovery", Level.GREEN),
        ("Demonstrating", Level.YELLOW),
        ("Proving Value", Level.YELLOW),
        ("Proposal", Level.RED),
        ("Paper Process", Level.RED),
    ],
)
def test_a_deal_without_a_map_is_reported_more_severely_the_later_its_stage(
    stage: str, level: Level
) -> None:
    mh = map_health(healthy(stage=stage, items=(), map_events=()), T)
    assert not mh.has_map
    assert [r.code for r in mh.verdict.reasons] == ["no_map"]
    assert mh.level is level


def test_customer_tasks_pending_weeks_past_due_are_a_dying_indicator() -> None:
    stuck = item(9, "buyer", due=-20, created=40, action="Legal review", owner="Kim Lu")
    facts = healthy(items=(*healthy().items, stuck))
    mh = map_health(facts, T)
    pending = next(r for r in mh.dying if r.code == "customer_tasks_pending")
    assert pending.rule == "MAP-4"
    assert pending.evidence["pending"][0]["action"] == "Legal review"
    # touched since it came due: no longer "pending"
    touched = healthy(
        items=(*healthy().items, stuck),
        map_events=(*healthy().map_events, event(5, record_id=9, new="in_progress")),
    )
    assert "customer_tasks_pending" not in {r.code for r in map_health(touched, T).dying}


def test_every_due_date_in_the_past_is_a_dying_indicator() -> None:
    items = (
        item(1, "seller", due=-5),
        item(2, "buyer", due=-2, status="complete", completed=2),
    )
    mh = map_health(healthy(items=items), T)
    assert "all_dates_past" in {r.code for r in mh.dying}


@pytest.mark.parametrize(("pushes", "level"), [(1, Level.GREEN), (2, Level.YELLOW)])
def test_dates_pushed_out_are_counted_with_the_days_slipped(pushes: int, level: Level) -> None:
    moves = tuple(
        event(10 - i, record_id=2, field="due_date", old=day(i * 10), new=day(i * 10 + 7))
        for i in range(pushes)
    )
    facts = healthy(map_events=(*healthy().map_events, *moves))
    mh = map_health(facts, T)
    pushed = next(r for r in mh.dying if r.code == "dates_pushed")
    assert pushed.level is level
    assert pushed.evidence == {"pushes": pushes, "days": 7 * pushes}
    assert (mh.pushes, mh.days_pushed) == (pushes, 7 * pushes)


def test_no_new_stakeholders_for_a_month_is_reported() -> None:
    items = (item(1, "seller", created=40), item(2, "buyer", created=40))
    old = healthy(items=items, map_events=(event(40, op="create"), event(2)))
    assert "no_new_stakeholders" in {r.code for r in map_health(old, T).dying}
    newcomer = item(3, "buyer", created=5, owner="Ivy Chen")
    fresh = healthy(items=(*items, newcomer), map_events=(event(40, op="create"), event(2)))
    assert "no_new_stakeholders" not in {r.code for r in map_health(fresh, T).dying}


def test_healthy_indicators_customer_items_dates_moved_up_and_new_stakeholders() -> None:
    newcomer = Person(9, "Ivy Chen", "Security lead", "influencer", created_at=ago(4))
    moved_up = event(3, by_buyer(), record_id=2, field="due_date", old=day(20), new=day(12))
    facts = healthy(
        committee=(*healthy().committee, newcomer),
        map_events=(*healthy().map_events, moved_up),
    )
    found = {r.code: r for r in map_health(facts, T).healthy}
    assert found["customer_adds_items"].evidence["added"] == ["Action 4"]
    assert found["dates_moved_up"].evidence == {"moves": 1, "days": 8}
    assert "Ivy Chen" in found["new_stakeholders"].evidence["names"]
    assert all(r.level is Level.GREEN and r.rule == "MAP-4" for r in found.values())


def test_a_green_map_explains_itself_with_both_sides_and_customer_completing() -> None:
    mh = map_health(healthy(), T)
    assert mh.level is Level.GREEN
    assert {"map_fresh", "both_sides_active"} <= codes(mh)
    assert (mh.seller_items, mh.buyer_items) == (1, 3)
    assert mh.as_dict()["last_update_by"] == SELLER


@given(st.integers(0, 120), st.integers(0, 60))
def test_making_a_map_staler_never_improves_its_verdict(days: int, more: int) -> None:
    def level(n: int) -> int:
        facts = healthy(map_events=(event(n), event(n + 1, by_buyer())))
        return RANK[map_health(facts, T).level]

    assert level(days + more) >= level(days)


def test_the_as_of_day_is_the_reference_for_days() -> None:
    mh = map_health(healthy(map_events=(event(1),)), T)
    assert mh.last_update is not None
    assert (TODAY - mh.last_update.date()).days == 1
