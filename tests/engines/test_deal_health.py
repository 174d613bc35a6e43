"""Deal health (HEALTH-1, HEALTH-2): one explainable verdict, and when it first turned."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealplan.engines.deal_health import deal_health, first_turned, health_timeline
from dealplan.engines.facts import Change, DealFacts, Element, Person, Signal
from dealplan.engines.map_health import RANK
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import default_thresholds
from tests.health.deal_facts import (
    ALL,
    AS_OF,
    CHAMPION,
    NORMS,
    OTHERS,
    SELLER,
    ago,
    by_buyer,
    day,
    event,
    healthy,
    validated,
)

T = default_thresholds()


def verdict(facts: DealFacts) -> tuple[Level, dict[str, Level]]:
    h = deal_health(facts, NORMS, T)
    return h.level, {r.code: r.level for r in h.verdict.reasons}


def test_a_deal_every_rule_passes_is_green_and_says_why() -> None:
    h = deal_health(healthy(), NORMS, T)
    assert h.level is Level.GREEN
    codes = [r.code for r in h.verdict.reasons]
    assert {"map_fresh", "eb_met", "champion", "threads", "stage_age", "meddpicc"} <= set(codes)
    assert h.anti_patterns == ()
    assert h.playbook is None
    assert h.next_action


def pushes(n: int) -> tuple[Change, ...]:
    return tuple(Change(ago(40 - 5 * i), day(10 * i), day(10 * i + 14), SELLER) for i in range(n))


@pytest.mark.parametrize(
    ("slips", "level"), [(0, None), (1, Level.YELLOW), (2, Level.YELLOW), (3, Level.RED)]
)
def test_close_date_slips_turn_yellow_once_and_red_from_three(
    slips: int, level: Level | None
) -> None:
    h = deal_health(healthy(close_date_changes=pushes(slips)), NORMS, T)
    found = [r for r in h.verdict.reasons if r.code == "close_date_slipped"]
    assert [r.level for r in found] == ([] if level is None else [level])
    if found:
        assert found[0].evidence["slips"] == slips
        assert found[0].evidence["days"] == 14 * slips
    assert h.level is (level or Level.GREEN)


def test_a_close_date_pulled_in_is_no_slip() -> None:
    earlier = (Change(ago(5), day(60), day(45), SELLER),)
    assert "close_date_slipped" not in verdict(healthy(close_date_changes=earlier))[1]


@pytest.mark.parametrize(
    ("days", "level"),
    [(20, Level.GREEN), (30, Level.GREEN), (31, Level.YELLOW), (40, Level.YELLOW), (41, Level.RED)],
)
def test_stage_age_is_yellow_past_one_and_a_half_times_the_norm_and_red_past_twice(
    days: int, level: Level
) -> None:
    moves = (Change(ago(days), "Demonstrating", "Proving Value", SELLER),)
    h = deal_health(healthy(stage_changes=moves), NORMS, T)
    age = next(r for r in h.verdict.reasons if r.code in ("stage_age", "stage_stuck"))
    assert age.level is level
    assert age.evidence["days"] == days
    assert age.evidence["norm_days"] == 20.0
    assert h.level is level


@pytest.mark.parametrize(
    ("step", "when", "code", "level"),
    [
        ("Weekly sync", 3, "next_step", Level.GREEN),
        ("Weekly sync", -14, "next_step", Level.GREEN),
        ("Weekly sync", -15, "next_step_stale", Level.YELLOW),
        (None, None, "no_next_step", Level.YELLOW),
    ],
)
def test_a_missing_or_long_past_next_step_is_yellow(
    step: str | None, when: int | None, code: str, level: Level
) -> None:
    facts = healthy(next_step=step, next_step_date=day(when) if when is not None else None)
    assert verdict(facts)[1][code] is level


@pytest.mark.parametrize(("validated_n", "level"), [(8, Level.GREEN), (4, Level.GREEN), (3, None)])
def test_meddpicc_validation_is_judged_against_what_the_stage_expects(
    validated_n: int, level: Level | None
) -> None:
    statuses = {e: Element(e, "assumed") for e in ALL}
    statuses |= validated(*ALL[:validated_n])
    # keep the EB's own status out of it: the checklist says met
    h = deal_health(healthy(meddpicc=statuses), NORMS, T)
    reason = next(r for r in h.verdict.reasons if r.code.startswith("meddpicc"))
    assert reason.level is (level or Level.YELLOW)
    assert reason.evidence["validated"] == validated_n
    assert reason.evidence["assumed"] == 8 - validated_n


def test_the_eb_never_met_on_a_large_deal_in_proposal_is_red() -> None:
    facts = healthy(stage="Proposal", eb_checklist={"met": False}, meddpicc=validated("metrics"))
    level, codes = verdict(facts)
    assert codes["eb_not_met"] is Level.RED
    assert level is Level.RED


def _quiet_champion() -> DealFacts:
    last = Signal("meeting", ago(25), CHAMPION.id, SELLER, "Call with Dana Ruiz")
    return healthy(signals=(last,), map_events=(event(2),))


def test_a_champion_not_heard_from_for_three_weeks_has_gone_dark() -> None:
    level, codes = verdict(_quiet_champion())
    assert codes["champion_dark"] is Level.RED
    assert level is Level.RED


def test_the_sellers_own_unanswered_emails_do_not_keep_a_champion_alive() -> None:
    chase = Signal("email", ago(3), CHAMPION.id, SELLER, "Follow-up: still on track?")
    facts = _quiet_champion()
    facts = replace(facts, signals=(*facts.signals, chase))
    assert verdict(facts)[1]["champion_dark"] is Level.RED
    answered = replace(facts, signals=(*facts.signals, Signal("email", ago(2), 2, "Dana Ruiz")))
    assert "champion_dark" not in verdict(answered)[1]


def test_coverage_gaps_are_not_red_in_pipeline_generation() -> None:
    facts = healthy(
        stage="Pipeline Generation",
        committee=(CHAMPION,),
        eb_checklist={},
        meddpicc={},
        items=(),
        map_events=(),
        stage_changes=(),
        created_at=ago(3),
    )
    level, codes = verdict(facts)
    assert codes["single_threaded"] is Level.GREEN
    assert codes["no_map"] is Level.GREEN
    assert level is Level.GREEN


def test_the_next_action_is_the_worst_reasons_action_or_the_playbooks() -> None:
    stuck = deal_health(
        healthy(stage_changes=(Change(ago(50), "Demonstrating", "Proving Value", SELLER),)),
        NORMS,
        T,
    )
    assert stuck.next_action == stuck.verdict.reasons[0].action
    silent = deal_health(healthy(map_events=(event(16),)), NORMS, T)
    assert silent.playbook is not None
    assert silent.next_action == silent.playbook.action
    assert "escalate to the champion Dana Ruiz" in silent.next_action


@pytest.mark.parametrize(("outcome", "level"), [("won", Level.GREEN), ("lost", Level.DEAD)])
def test_a_closed_deal_is_green_when_won_and_dead_when_lost(outcome: str, level: Level) -> None:
    h = deal_health(healthy(outcome=outcome, closed_date=day(-2)), NORMS, T)
    assert h.level is level
    assert h.verdict.reasons[0].code == f"closed_{outcome}"
    assert h.playbook is None


def test_the_verdict_as_a_dict_carries_rule_evidence_and_action_for_every_reason() -> None:
    data = deal_health(healthy(map_events=(event(30),)), NORMS, T).as_dict()
    assert data["level"] == "red"
    assert data["playbook"]["step"] == 3
    for r in data["reasons"]:
        assert set(r) == {"rule", "code", "level", "message", "evidence", "action"}


# Hypothesis: a deal drawn from the space the rules look at.
deals = st.builds(
    lambda map_days, slips, stage_days, engaged, valid, step_days, dangers, amount: healthy(
        map_events=(event(map_days), event(map_days + 3, by_buyer())),
        close_date_changes=pushes(slips),
        stage_changes=(Change(ago(stage_days), "Demonstrating", "Proving Value", SELLER),),
        committee=(
            Person(1, "Lee Park", role="economic_buyer"),
            CHAMPION,
            *OTHERS[:engaged],
        ),
        meddpicc={e: Element(e, "validated" if e in valid else "assumed") for e in ALL},
        eb_checklist={},
        next_step_date=day(-step_days),
        signals=tuple(Signal("meeting_rescheduled", ago(2 + i)) for i in range(dangers)),
        amount=amount,
    ),
    st.integers(0, 60),
    st.integers(0, 4),
    st.integers(0, 60),
    st.integers(0, 3),
    st.sets(st.sampled_from(ALL)),
    st.integers(-10, 40),
    st.integers(0, 4),
    st.sampled_from([20_000.0, 80_000.0]),
)


@settings(max_examples=150, deadline=None)
@given(deals)
def test_every_non_green_verdict_has_at_least_one_reason_at_its_level(facts: DealFacts) -> None:
    h = deal_health(facts, NORMS, T)
    if h.level is not Level.GREEN:
        assert any(r.level is h.level for r in h.verdict.reasons)
        assert h.top_reasons()
        assert all(r.rule and r.evidence is not None for r in h.top_reasons())


@settings(max_examples=150, deadline=None)
@given(deals, st.sampled_from(ALL))
def test_validating_a_meddpicc_element_never_worsens_the_verdict(
    facts: DealFacts, element: str
) -> None:
    before = deal_health(facts, NORMS, T).level
    better = replace(facts, meddpicc={**facts.meddpicc, element: Element(element, "validated")})
    assert RANK[deal_health(better, NORMS, T).level] <= RANK[before]


class Replay:
    """A deal whose MAP was last touched on one day, seen as of any later moment."""

    def __init__(self, facts: DealFacts) -> None:
        self.base = facts

    def facts(self, as_of: dt.datetime) -> DealFacts | None:
        if as_of < ago(60):
            return None
        return replace(
            self.base,
            as_of=as_of,
            map_events=tuple(e for e in self.base.map_events if e.at <= as_of),
            signals=(),
            stage_changes=(
                Change(as_of - dt.timedelta(days=3), "Demonstrating", "Proving Value", ""),
            ),
            created_at=ago(60),
            next_step_date=as_of.date(),
        )


def test_the_timeline_finds_when_a_quietening_map_first_turned_yellow_then_red() -> None:
    deal = Replay(healthy(map_events=(event(35),), committee=(CHAMPION, *OTHERS)))
    timeline = health_timeline(deal, NORMS, T, day(-35), AS_OF)
    assert [d for d, _ in timeline] == [day(-35 + 7 * k) for k in range(6)]
    assert timeline[0][1] is Level.GREEN
    assert first_turned(timeline, Level.YELLOW) == day(-21)
    assert first_turned(timeline, Level.RED) == day(-7)
    assert timeline[-1] == (AS_OF.date(), Level.RED)


def test_days_before_the_deal_existed_are_left_out_of_the_timeline() -> None:
    deal = Replay(healthy())
    timeline = health_timeline(deal, NORMS, T, day(-80), AS_OF, step_days=10)
    assert timeline[0][0] >= ago(60).date()
    assert first_turned([], Level.RED) is None
