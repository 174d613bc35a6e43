"""The health decisions on plain values (engines/health_decide.py): the thresholds' boundaries.

Review decides every deal's level from these same functions over the whole feature frame, so
their boundaries are the verdict's boundaries on both paths.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dealplan.engines import health_decide as decide
from dealplan.engines.verdict import Level
from dealplan.methodology.thresholds import default_thresholds

T = default_thresholds()
NOW = dt.datetime(2026, 3, 2, 12)
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("days", "code", "level"),
    [
        (7, "map_fresh", Level.GREEN),
        (8, "map_quiet", Level.YELLOW),
        (21, "map_quiet", Level.YELLOW),
        (22, "map_stale", Level.RED),
        (42, "map_stale", Level.RED),
        (43, "map_dead", Level.DEAD),
    ],
)
def test_a_map_silent_for_more_days_gets_a_worse_staleness(
    days: int, code: str, level: Level
) -> None:
    assert decide.staleness(days, T) == (code, level)


@pytest.mark.parametrize(("amount", "mandatory"), [(50_000, False), (50_001, True), (None, False)])
def test_meeting_the_eb_is_mandatory_only_above_50000(
    amount: float | None, mandatory: bool
) -> None:
    assert decide.eb_mandatory(amount, T) is mandatory


def test_an_eb_never_met_on_a_mandatory_deal_is_red_in_proposal_and_yellow_in_discovery() -> None:
    assert decide.eb_codes("unknown", False, True, "Proposal") == [("eb_not_met", Level.RED)]
    assert decide.eb_codes("unknown", False, True, "Discovery") == [("eb_not_met", Level.YELLOW)]
    assert decide.eb_codes("blocked", True, False, "Discovery") == [("eb_blocked", Level.RED)]
    assert decide.eb_codes("direct", True, True, "Proposal") == []


def test_a_committee_finding_is_capped_in_early_stages_but_a_blocked_eb_never_is() -> None:
    cap = T.get("health.committee_cap_by_stage").get("Discovery")
    assert cap == "yellow"
    codes = decide.committee_codes(
        eb=[("eb_blocked", Level.RED)],
        met=False,
        past_disc=False,
        champion=[("no_champion", Level.RED)],
        threads=[("single_threaded", Level.RED)],
        stage="Discovery",
        t=T,
    )
    assert codes == [
        ("eb_blocked", Level.RED),
        ("no_champion", Level.YELLOW),
        ("single_threaded", Level.YELLOW),
    ]


def test_a_seller_only_map_is_red_once_the_customer_is_silent_past_the_window() -> None:
    window = int(T.get("map.unresponsive_days"))
    first = NOW - dt.timedelta(days=window + 5)
    heard_inside = NOW - dt.timedelta(days=window - 1)
    heard_before = NOW - dt.timedelta(days=window + 1)
    assert decide.unresponsive(first, None, NOW, T)
    assert decide.unresponsive(first, heard_before, NOW, T)
    assert not decide.unresponsive(first, heard_inside, NOW, T)
    assert not decide.unresponsive(None, None, NOW, T)  # a MAP made today
    assert decide.sides(3, False, True, 3, 0, T) == ("seller_only_unresponsive", Level.RED)
    assert decide.sides(3, False, False, 3, 0, T) == ("seller_only", Level.YELLOW)


def test_a_map_with_no_map_at_all_gives_only_the_stage_s_missing_map_level() -> None:
    codes = decide.map_codes(
        has_map=False,
        stage="Proposal",
        stale=("map_dead", Level.DEAD),
        items=0,
        buyer_items_any=False,
        silent_customer=True,
        seller_live=0,
        buyer_live=0,
        slow=True,
        incomplete=True,
        indicators=[("all_dates_past", Level.YELLOW)],
        t=T,
    )
    assert codes == [("no_map", decide.missing_map("Proposal", T))]


@pytest.mark.parametrize(
    ("pushes", "passed", "codes"),
    [
        (0, False, []),
        (1, False, [("close_date_slipped", Level.YELLOW)]),
        (2, False, [("close_date_slipped", Level.YELLOW)]),
        (3, True, [("close_date_slipped", Level.RED), ("close_date_passed", Level.YELLOW)]),
    ],
)
def test_close_date_slips_grow_from_yellow_to_red(
    pushes: int, passed: bool, codes: list[decide.Code]
) -> None:
    assert int(T.get("health.slip_yellow")) == 1
    assert int(T.get("health.slip_red")) == 3
    assert decide.slip_codes(pushes, passed, T) == codes


def test_a_close_date_has_passed_only_on_an_open_deal_dated_before_today() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert decide.close_passed(True, yesterday, TODAY)
    assert not decide.close_passed(True, TODAY, TODAY)
    assert not decide.close_passed(False, yesterday, TODAY)
    assert not decide.close_passed(True, None, TODAY)


def test_dangers_outnumbering_positives_turn_momentum_yellow_then_red() -> None:
    red = int(T.get("health.momentum_red_dangers"))
    assert decide.momentum_codes(0, 0, T) == []
    assert decide.momentum_codes(2, 2, T) == [("momentum", Level.GREEN)]
    assert decide.momentum_codes(0, 1, T) == [
        ("danger_signals", Level.RED if red <= 1 else Level.YELLOW)
    ]
    assert decide.momentum_codes(0, red, T) == [("danger_signals", Level.RED)]
