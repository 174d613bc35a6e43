"""Account tiers (ACC-8), time allocation, and full or simplified plans (ACC-6)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from dealplan.engines.tiering import (
    AccountPotential,
    ActivityTime,
    allocation,
    cycle_days,
    plan_type,
    tier_of,
)
from tests.engines.qual_facts import T, qualified


def account(potential: float | None = None, **kw: object) -> AccountPotential:
    base: dict[str, object] = {"strategic_fit": True, "active_buying": True}
    return AccountPotential(1, "Globex", "Ann", potential, **{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("potential", "tier"),
    [
        (24_999.99, 4),
        (25_000, 3),
        (49_999.99, 3),
        (50_000, 2),
        (99_999.99, 2),
        (100_000, 1),
        (2_000_000, 1),
    ],
)
def test_tiers_by_potential_at_25k_50k_and_100k(potential: float, tier: int) -> None:
    assert tier_of(account(potential), T).tier == tier


@pytest.mark.parametrize(
    ("fit", "buying", "open_deals", "tier"),
    [
        (True, True, 0, 1),
        (None, True, 0, 2),
        (True, False, 0, 2),
        (True, None, 1, 1),
        (True, None, 0, 2),
        (False, True, 0, 4),
    ],
)
def test_tier_1_needs_strategic_fit_and_active_buying_and_poor_fit_is_tier_4(
    fit: bool | None, buying: bool | None, open_deals: int, tier: int
) -> None:
    a = account(150_000, strategic_fit=fit, active_buying=buying, open_deals=open_deals)
    t = tier_of(a, T)
    assert t.tier == tier
    assert "$150,000" in t.why


def test_potential_is_the_recorded_value_else_the_open_deals() -> None:
    assert (
        tier_of(account(None, open_amount=60_000, open_deals=2), T).as_dict()["potential_source"]
        == "open_deals"
    )
    recorded = tier_of(account(30_000, open_amount=500_000, open_deals=2), T)
    assert (recorded.tier, recorded.as_dict()["potential"]) == (3, 30_000)


TIERS = {1: 1, 2: 2, 3: 3, 4: 4}


def test_time_allocation_is_by_minutes_when_every_activity_has_a_duration() -> None:
    acts = [
        ActivityTime(1, "Ann", 60),
        ActivityTime(2, "Ann", 30),
        ActivityTime(3, "Bob", 10),
        ActivityTime(9, "Bob", 500),  # no tier: left out
    ]
    r = allocation(TIERS, acts, T)
    assert r["basis"] == "minutes"
    assert [(x["tier"], x["share"], x["target"]) for x in r["overall"]] == [
        (1, 0.6, 0.40),
        (2, 0.3, 0.35),
        (3, 0.1, 0.20),
        (4, 0.0, 0.05),
    ]
    assert r["overall"][0]["gap"] == 0.2
    assert [x["share"] for x in r["by_owner"]["Bob"]] == [0.0, 0.0, 1.0, 0.0]


def test_time_allocation_counts_activities_when_durations_are_missing() -> None:
    acts = [ActivityTime(1, "Ann", 60), ActivityTime(4, "Ann", None)]
    r = allocation(TIERS, acts, T)
    assert (r["basis"], r["without_duration"]) == ("count", 1)
    assert [x["share"] for x in r["overall"]] == [0.5, 0.0, 0.0, 0.5]


def test_no_activity_gives_zero_shares() -> None:
    r = allocation(TIERS, [], T)
    assert [x["share"] for x in r["overall"]] == [0.0] * 4
    assert r["by_owner"] == {}


def deal(cycle: int, amount: float) -> object:
    created = dt.date(2026, 3, 1)
    return qualified(
        amount=amount, created_date=created, close_date=created + dt.timedelta(days=cycle)
    )


@pytest.mark.parametrize(
    ("cycle", "amount", "plan"),
    [
        (60, 200_000.0, "simplified"),
        (61, 200_000.0, "full"),
        (61, 100_000.0, "simplified"),
        (61, 100_000.01, "full"),
        (200, 50_000.0, "simplified"),
    ],
)
def test_full_plan_above_the_average_acv_with_a_cycle_over_60_days(
    cycle: int, amount: float, plan: str
) -> None:
    d = plan_type(deal(cycle, amount), T, average_acv=100_000.0, account_rank=30, accounts=40)  # type: ignore[arg-type]
    assert d.plan == plan
    assert d.numbers["cycle_days"] == cycle
    assert [r.rule for r in d.reasons] == ["ACC-6"] * 3


@pytest.mark.parametrize(
    ("rank", "accounts", "plan"),
    [(8, 40, "full"), (9, 40, "simplified"), (1, 4, "simplified"), (1, 5, "full")],
)
def test_full_plan_for_the_top_20_percent_of_accounts_by_potential(
    rank: int, accounts: int, plan: str
) -> None:
    d = plan_type(deal(10, 1_000.0), T, average_acv=100_000.0, account_rank=rank, accounts=accounts)  # type: ignore[arg-type]
    assert d.plan == plan


def test_a_simplified_plan_is_summary_meddicc_and_next_steps() -> None:
    d = plan_type(deal(10, 1_000.0), T, average_acv=None, account_rank=None, accounts=0)  # type: ignore[arg-type]
    assert d.sections == ("summary", "MEDDICC", "next steps")
    assert "average ACV unknown" in d.reasons[0].message


def test_the_cycle_runs_to_the_close_date_else_to_today() -> None:
    f = qualified(created_date=dt.date(2026, 6, 1), close_date=None)
    assert cycle_days(f) == 29
    closed = dataclasses.replace(f, closed_date=dt.date(2026, 6, 11))
    assert cycle_days(closed) == 10
