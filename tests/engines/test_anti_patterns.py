"""Anti-patterns (QUAL-8) found in a deal's data, each with its evidence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dealplan.engines.anti_patterns import anti_patterns
from dealplan.engines.facts import Change, DealFacts, Element, Override, Person, Signal
from dealplan.methodology.thresholds import default_thresholds
from tests.health.deal_facts import (
    ALL,
    CHAMPION,
    SELLER,
    STAGES,
    ago,
    day,
    healthy,
    validated,
)

T = default_thresholds()


def found(facts: DealFacts) -> dict[str, Any]:
    return {r.code: r for r in anti_patterns(facts, T, STAGES)}


LONE_EB = Person(1, "Lee Park", role="economic_buyer")  # known, never engaged
CASES: list[tuple[str, Callable[[], DealFacts]]] = [
    ("single_threading", lambda: healthy(committee=(LONE_EB, CHAMPION))),
    (
        "proposal_too_early",
        lambda: healthy(stage="Proposal", eb_checklist={"met": False}),
    ),
    (
        "demo_before_discovery",
        lambda: healthy(
            signals=(Signal("demo", ago(20)),),
            meddpicc={**validated(*ALL), "identified_pain": Element("identified_pain")},
        ),
    ),
    (
        "demo_before_discovery",
        lambda: healthy(
            stage="Demonstrating",
            stage_changes=(Change(ago(10), "Pipeline Generation", "Demonstrating", SELLER),),
        ),
    ),
    (
        "ignoring_competition",
        lambda: healthy(
            competitor=None,
            meddpicc={**validated(*ALL), "competition": Element("competition")},
        ),
    ),
    (
        "forecast_fantasy",
        lambda: healthy(
            forecast_category="commit",
            meddpicc={**validated(*ALL), "paper_process": Element("paper_process")},
        ),
    ),
    (
        "stage_inflation",
        lambda: healthy(
            overrides=(
                Override(ago(10), "Demonstrating", "Proving Value", "CEO asked", ("champion",)),
            )
        ),
    ),
    (
        "happy_ears",
        lambda: healthy(
            stage="Proposal",
            meddpicc={
                **validated(*ALL),
                "metrics": Element("metrics", "assumed"),
                "decision_process": Element("decision_process", "assumed"),
            },
        ),
    ),
    (
        "post_close_abandonment",
        lambda: healthy(outcome="won", closed_date=day(-30), signals=(), map_events=()),
    ),
]


@pytest.mark.parametrize(("code", "make"), CASES)
def test_each_anti_pattern_is_found_with_its_rule_and_evidence(
    code: str, make: Callable[[], DealFacts]
) -> None:
    facts = make()
    reason = found(facts).get(code)
    assert reason is not None, f"{code} not found in {sorted(found(facts))}"
    assert reason.rule == "QUAL-8"
    assert reason.evidence
    assert reason.action


def test_a_healthy_deal_shows_no_anti_pattern() -> None:
    assert found(healthy()) == {}


def test_competition_unknown_in_discovery_is_not_yet_ignoring_it() -> None:
    facts = healthy(
        stage="Discovery",
        competitor=None,
        meddpicc={**validated(*ALL), "competition": Element("competition")},
    )
    assert "ignoring_competition" not in found(facts)


def test_commit_with_the_eb_met_and_paper_process_known_is_no_fantasy() -> None:
    assert "forecast_fantasy" not in found(healthy(forecast_category="commit"))


def test_a_won_deal_with_a_handoff_logged_after_the_close_is_not_abandoned() -> None:
    facts = healthy(
        outcome="won",
        closed_date=day(-30),
        signals=(Signal("meeting", ago(20), summary="Customer success kick-off"),),
    )
    assert "post_close_abandonment" not in found(facts)


def test_one_assumed_element_late_is_not_yet_happy_ears() -> None:
    facts = healthy(
        stage="Proposal", meddpicc={**validated(*ALL), "metrics": Element("metrics", "assumed")}
    )
    assert "happy_ears" not in found(facts)


def test_the_stage_inflation_reason_lists_each_override_with_its_reason() -> None:
    override = Override(ago(3), "Proving Value", "Proposal", "quarter end", ("eb_approval",))
    reason = found(healthy(overrides=(override,)))["stage_inflation"]
    assert "quarter end" in reason.message
    assert reason.evidence["overrides"][0]["unmet"] == ["eb_approval"]
