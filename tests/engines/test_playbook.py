"""The silence playbook (MAP-5): the seed's step for each week of silence, with a draft."""

from __future__ import annotations

from typing import Any

import pytest

from dealplan.engines.map_health import map_health
from dealplan.engines.playbook import PlaybookStep, playbook, silence_step
from dealplan.methodology.thresholds import default_thresholds
from tests.health.deal_facts import SELLER, day, event, healthy, item

T = default_thresholds()


@pytest.mark.parametrize(
    ("days", "step"),
    [(None, 0), (0, 0), (7, 0), (8, 1), (14, 1), (15, 2), (21, 2), (22, 3), (60, 3)],
)
def test_the_step_due_follows_the_weeks_of_silence(days: int | None, step: int) -> None:
    assert silence_step(days, T) == step


def _step(days: int, **changes: Any) -> PlaybookStep | None:
    facts = healthy(**{"map_events": (event(days),), **changes})
    return playbook(facts, map_health(facts, T), T)


def test_week_one_asks_the_owner_for_the_status_of_a_named_customer_action() -> None:
    late = item(7, "buyer", due=-4, owner="Kim Lu", action="Complete the security review")
    done = item(8, "seller", status="complete", completed=12, action="Send the SOC 2 report")
    facts = healthy(items=(*healthy().items, late, done), map_events=(event(10),))
    step = playbook(facts, map_health(facts, T), T)
    assert step is not None
    assert step.step == 1
    assert step.to == "Kim Lu"
    assert step.about == "Complete the security review"
    assert step.due_date == day(-4)
    assert step.message.startswith("Hi Kim,")
    assert "Here's what we've completed on our plan: Send the SOC 2 report." in step.message
    assert '"Complete the security review"' in step.message
    assert f"{day(-4):%B} {day(-4).day}" in step.message
    assert step.message.rstrip().endswith(SELLER)
    assert step.as_dict()["rule"] == "MAP-5"


def test_week_two_escalates_to_the_champion_by_name_with_the_close_date() -> None:
    step = _step(16)
    assert step is not None
    assert step.step == 2
    close = day(45)
    message = step.message
    assert step.to == "Dana Ruiz"
    assert message.startswith("Hi Dana,")
    assert "haven't heard back on the MAP" in message
    assert f"still on track for {close:%B} {close.day}, {close.year}" in message
    assert SELLER in message


def test_week_three_proposes_to_qualify_out_or_reset() -> None:
    step = _step(30)
    assert step is not None
    message = step.message
    assert step.step == 3
    assert "pause and reconnect in 3 months" in message
    assert "blocker I can help with" in message
    assert "Action 2" in message  # the open customer action, named
    assert SELLER in message
    assert "qualify out or reset" in step.action


def test_no_step_for_a_fresh_map_a_deal_without_one_or_a_closed_deal() -> None:
    assert _step(3) is None
    assert _step(30, items=(), map_events=()) is None
    won = healthy(outcome="won", map_events=(event(30),))
    assert playbook(won, map_health(won, T), T) is None


def test_a_seller_only_plan_asks_the_customer_for_their_actions() -> None:
    facts = healthy(items=(item(1, "seller"),), map_events=(event(9),))
    step = playbook(facts, map_health(facts, T), T)
    assert step is not None
    assert step.about is None
    assert "Which actions on your side" in step.message
    assert step.to == "Dana Ruiz"
