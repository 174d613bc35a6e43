"""ACC-1, ACC-2, ACC-3, ACC-6, ACC-7: hypothesis, quadrants, personal wins, plan scope,
and the account plan checklist."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from dealplan.engines.account_plan import (
    MEDDICC,
    checklist,
    hypothesis_reasons,
    personal_win_flags,
    plan_scope,
    quadrant,
)
from dealplan.engines.facts import AccountFacts, DealFacts, Element, Item, Person
from dealplan.methodology.thresholds import default_thresholds

T = default_thresholds()
AS_OF = dt.datetime(2026, 6, 30, 12)
TODAY = AS_OF.date()

ACCOUNT = AccountFacts(
    1,
    "Globex",
    industry="Manufacturing",
    employees=5200,
    hypothesis="Cut unplanned downtime with one incident view",
    hypothesis_date=dt.date(2026, 1, 5),
    first_meeting_date=dt.date(2026, 1, 20),
)
COMMITTEE = (
    Person(1, "Lee Park", role="economic_buyer", personal_win="Board credit for uptime"),
    Person(2, "Dana Ruiz", role="champion", professional_win="Promotion to VP"),
    Person(3, "Sam Okoro", title="Analyst"),  # no role: not on the committee
)


def good_deal(**changes: Any) -> DealFacts:
    deal = DealFacts(
        id=7,
        name="Globex platform",
        stage="Proposal",
        as_of=AS_OF,
        map_cadence_days=7,
        meddpicc={e: Element(e, "validated") for e in MEDDICC},
        items=(
            Item(1, "Send proposal", "seller"),
            Item(2, "Security review", "buyer", customer_owner="Dana Ruiz"),
        ),
    )
    return dataclasses.replace(deal, **changes)


def completeness(
    account: AccountFacts = ACCOUNT,
    committee: tuple[Person, ...] = COMMITTEE,
    deals: tuple[DealFacts, ...] | None = None,
) -> tuple[float, dict[str, bool]]:
    c = checklist(account, committee, (good_deal(),) if deals is None else deals, T)
    return c.completeness, {x.key: x.done for x in c.checks}


def test_a_complete_plan_is_one_hundred_percent() -> None:
    assert completeness() == (
        1.0,
        {
            "summary": True,
            "org_chart": True,
            "meddicc": True,
            "map_customer_actions": True,
            "weekly_cadence": True,
        },
    )


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        ({"account": dataclasses.replace(ACCOUNT, hypothesis=" ")}, "summary"),
        ({"account": dataclasses.replace(ACCOUNT, employees=None)}, "summary"),
        ({"committee": (*COMMITTEE, Person(4, "Ana Lima", role="legal"))}, "org_chart"),
        ({"committee": (Person(3, "Sam Okoro"),)}, "org_chart"),
        (
            {"deals": (good_deal(meddpicc={"metrics": Element("metrics", "assumed")}),)},
            "meddicc",
        ),
        (
            {"deals": (good_deal(items=(Item(1, "Send proposal", "seller"),)),)},
            "map_customer_actions",
        ),
        (
            {"deals": (good_deal(items=(Item(2, "Review", "buyer", status="cancelled"),)),)},
            "map_customer_actions",
        ),
        ({"deals": (good_deal(map_cadence_days=8),)}, "weekly_cadence"),
        ({"deals": (good_deal(map_cadence_days=None),)}, "weekly_cadence"),
        (
            {
                "deals": (
                    good_deal(
                        map_cadence_days=None, next_checkin_date=TODAY - dt.timedelta(days=1)
                    ),
                )
            },
            "weekly_cadence",
        ),
        ({"deals": (good_deal(), good_deal(id=8, map_cadence_days=14))}, "weekly_cadence"),
    ],
)
def test_each_missing_checklist_line_costs_a_fifth(change: dict[str, Any], failing: str) -> None:
    share, done = completeness(**change)
    assert share == pytest.approx(0.8)
    assert [k for k, v in done.items() if not v] == [failing]


@pytest.mark.parametrize(
    ("cadence", "checkin", "done"),
    [(7, None, True), (1, None, True), (None, TODAY, True), (14, TODAY, True), (0, None, False)],
)
def test_a_weekly_cadence_or_a_coming_check_in_counts_as_scheduled(
    cadence: int | None, checkin: dt.date | None, done: bool
) -> None:
    deal = good_deal(map_cadence_days=cadence, next_checkin_date=checkin)
    assert completeness(deals=(deal,))[1]["weekly_cadence"] is done


def test_without_open_deals_only_the_account_lines_count() -> None:
    c = checklist(ACCOUNT, COMMITTEE, (), T)
    assert [x.applies for x in c.checks] == [True, True, False, False, False]
    assert c.completeness == 1.0


def test_checklist_evidence_names_the_deals_that_fail() -> None:
    deals = (good_deal(), good_deal(id=8, name="Globex renewal", map_cadence_days=None))
    c = checklist(ACCOUNT, COMMITTEE, deals, T)
    cadence = next(x for x in c.checks if x.key == "weekly_cadence")
    assert cadence.evidence == (
        "1 of 2 open deals have no weekly check-in scheduled: Globex renewal"
    )
    assert cadence.action == "book a weekly MAP check-in with the champion"


def test_committee_members_without_a_personal_win_are_flagged() -> None:
    committee = (
        *COMMITTEE,
        Person(4, "Ana Lima", title="Counsel", role="legal", personal_win="  "),
        Person(5, "Raj Bose", role="technical_buyer", professional_risk="Owns the migration"),
    )
    flags = personal_win_flags(committee)
    assert [(f.rule, f.evidence["contact"]) for f in flags] == [
        ("ACC-3", "Ana Lima"),
        ("ACC-3", "Raj Bose"),
    ]
    assert flags[0].message == "Ana Lima (legal) has no personal win recorded"


@pytest.mark.parametrize(
    ("hypothesis_date", "first_meeting", "code"),
    [
        (dt.date(2026, 1, 5), dt.date(2026, 1, 20), None),
        (dt.date(2026, 1, 20), dt.date(2026, 1, 20), None),
        (dt.date(2026, 1, 21), dt.date(2026, 1, 20), "plan_after_first_meeting"),
        (None, dt.date(2026, 1, 20), None),
    ],
)
def test_a_first_meeting_before_the_hypothesis_is_warned(
    hypothesis_date: dt.date | None, first_meeting: dt.date, code: str | None
) -> None:
    account = dataclasses.replace(
        ACCOUNT, hypothesis_date=hypothesis_date, first_meeting_date=first_meeting
    )
    assert [(r.rule, r.code) for r in hypothesis_reasons(account)] == (
        [("ACC-1", code)] if code else []
    )


@pytest.mark.parametrize(
    ("influence", "support", "expected"),
    [
        ("high", "high", "mobilizer"),
        ("high", "low", "power"),
        ("low", "high", "neutral"),
        ("low", "low", "blocker"),
        (None, "high", "unmapped"),
    ],
)
def test_influence_and_support_give_the_quadrant(
    influence: str | None, support: str | None, expected: str
) -> None:
    assert quadrant(Person(1, "X", influence=influence, support=support)) == expected


def sized(amount: float, cycle: int) -> DealFacts:
    return DealFacts(
        id=1,
        name="Globex platform",
        stage="Proposal",
        as_of=AS_OF,
        amount=amount,
        created_date=TODAY,
        close_date=TODAY + dt.timedelta(days=cycle),
    )


@pytest.mark.parametrize(
    ("amount", "cycle", "rank", "kind"),
    [
        (120_000, 61, 9, "full"),  # above the average ACV and longer than 60 days
        (120_000, 60, 9, "simplified"),  # 60 days does not exceed 60
        (100_000, 90, 9, "simplified"),  # the average itself is not above it
        (50_000, 30, 1, "full"),  # top 20% of 10 accounts by potential: ranks 1 and 2
        (50_000, 30, 2, "full"),
        (50_000, 30, 3, "simplified"),
    ],
)
def test_full_plan_for_big_long_deals_and_top_accounts(
    amount: float, cycle: int, rank: int, kind: str
) -> None:
    scope = plan_scope(
        account="Globex",
        deals=[sized(amount, cycle)],
        average_acv=100_000,
        account_rank=rank,
        accounts=10,
        t=T,
    )
    assert scope.kind == kind
    assert scope.reasons


@pytest.mark.parametrize(("rank", "kind"), [(2, "full"), (3, "simplified"), (None, "simplified")])
def test_an_account_without_open_deals_is_judged_by_its_rank(rank: int | None, kind: str) -> None:
    scope = plan_scope(
        account="Globex", deals=[], average_acv=100_000, account_rank=rank, accounts=10, t=T
    )
    assert scope.kind == kind


def test_the_decision_says_why() -> None:
    scope = plan_scope(
        account="Globex",
        deals=[sized(120_000, 90)],
        average_acv=100_000,
        account_rank=1,
        accounts=10,
        t=T,
    )
    assert scope.reasons == (
        "Globex platform: $120,000 is above the average ACV of $100,000 and its cycle of 90 "
        "days exceeds 60",
        "Globex ranks 1 of 10 accounts by potential: in the top 20%",
    )
