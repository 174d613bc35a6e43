"""MAP-6: the closing plan's dates, sources and projected close, and its MAP draft."""

from __future__ import annotations

import datetime as dt

import pytest

from dealplan.engines.closing_plan import NotPlannableError, closing_plan, map_draft
from dealplan.engines.facts import Change, DealFacts, Person
from dealplan.engines.stage_time import StageTime, stage_times
from dealplan.methodology import load_model
from dealplan.methodology.thresholds import default_thresholds

T = default_thresholds()
MODEL = load_model("unified")
AS_OF = dt.datetime(2026, 6, 30, 12)
TODAY = AS_OF.date()
STAGES = [s.name for s in MODEL.open_stages]
EB = Person(2, "Lee Park", "CFO", role="economic_buyer")
CHAMPION = Person(1, "Dana Ruiz", "VP Ops", role="champion")
COMMITTEE = (
    CHAMPION,
    EB,
    Person(3, "Sam Okoro", "Architect", role="technical_buyer"),
    Person(4, "Ana Lima", "Counsel", role="legal"),
)


def closed_deal(i: int, days_in: dict[str, int]) -> DealFacts:
    """A won deal that spent `days_in[stage]` days in each open stage (default 7)."""
    at = dt.datetime(2025, 1, 1) + dt.timedelta(days=i)
    created = at
    changes = []
    for old, new in zip(STAGES, [*STAGES[1:], "Closed Won"], strict=True):
        at += dt.timedelta(days=days_in.get(old, 7))
        changes.append(Change(at, old, new, "ann"))
    return DealFacts(
        id=1000 + i,
        name=f"won {i}",
        stage="Closed Won",
        outcome="won",
        as_of=AS_OF,
        created_at=created,
        stage_changes=tuple(changes),
    )


def open_deal(
    stage: str = "Proposal",
    days_in_stage: int = 5,
    close: dt.date | None = None,
    committee: tuple[Person, ...] = COMMITTEE,
) -> DealFacts:
    entered = AS_OF - dt.timedelta(days=days_in_stage)
    return DealFacts(
        id=7,
        name="Globex platform",
        stage=stage,
        as_of=AS_OF,
        owner="Ann Seller",
        close_date=close,
        created_at=entered - dt.timedelta(days=40),
        stage_changes=(Change(entered, "Proving Value", stage, "ann"),),
        committee=committee,
    )


def norms(closed: int) -> dict[str, StageTime]:
    deals = [closed_deal(i, {"Proposal": 10, "Paper Process": 12}) for i in range(closed)]
    return stage_times(deals, MODEL, T)


@pytest.mark.parametrize(
    ("closed", "source", "proposal_target", "close", "close_p80"),
    [
        # 19 closed deals: thin history, the methodology's defaults (Proposal 21 days, Paper
        # Process 30; P80 1.5x): 21 - 5 days already in Proposal = 16, then 30 more.
        (19, "default", 16, 46, 27 + 45),
        # 20 closed deals: history (Proposal 10 days, Paper Process 12): 10 - 5 = 5, then 12.
        (20, "history", 5, 17, 17),
    ],
)
def test_closing_plan_dates_come_from_history_once_twenty_deals_have_closed(
    closed: int, source: str, proposal_target: int, close: int, close_p80: int
) -> None:
    plan = closing_plan(open_deal(), MODEL, norms(closed), T)
    assert [s.stage for s in plan.steps] == ["Proposal", "Paper Process"]
    assert {s.source for s in plan.steps} == {source}
    assert plan.sources[source] == 2
    assert plan.steps[0].target == TODAY + dt.timedelta(days=proposal_target)
    assert plan.projected_close == TODAY + dt.timedelta(days=close)
    assert plan.projected_close_p80 == TODAY + dt.timedelta(days=close_p80)
    assert plan.steps[0].deals == closed


def test_the_seller_steps_are_the_stages_left_with_their_exit_criteria() -> None:
    plan = closing_plan(open_deal("Demonstrating"), MODEL, norms(20), T)
    assert [(s.stage, s.action, s.exit) for s in plan.steps] == [
        ("Demonstrating", "Demonstrating: product demo, champion building", "Champion identified"),
        (
            "Proving Value",
            "Proving Value: POC or trial",
            "Technical validation complete: POC success criteria met",
        ),
        (
            "Proposal",
            "Proposal: pricing, terms, scope",
            "Proposal delivered, economic buyer aligned and approved",
        ),
        ("Paper Process", "Paper Process: legal, procurement, security", "Approvals secured"),
    ]
    assert all(s.owner == "Ann Seller" for s in plan.steps)
    assert [s.current for s in plan.steps] == [True, False, False, False]


# History: Proposal 10 days, Paper Process 12: the plan closes on day 17 (both paces).
@pytest.mark.parametrize(
    ("close_in_days", "level", "code"),
    [
        (None, "yellow", "no_close_date"),
        (16, "red", "cannot_make_close_date"),
        (17, "green", None),
        (40, "green", None),
    ],
)
def test_the_plan_flags_a_close_date_it_cannot_make(
    close_in_days: int | None, level: str, code: str | None
) -> None:
    close = None if close_in_days is None else TODAY + dt.timedelta(days=close_in_days)
    plan = closing_plan(open_deal(close=close), MODEL, norms(20), T)
    assert plan.verdict.level.value == level
    assert [r.code for r in plan.verdict.reasons] == ([code] if code else [])
    assert plan.can_make_close_date is (level == "green")


def test_a_close_date_between_the_average_and_the_p80_pace_is_tight() -> None:
    # Defaults: average close on day 46, P80 on day 72.
    plan = closing_plan(open_deal(close=TODAY + dt.timedelta(days=50)), MODEL, norms(0), T)
    assert [r.code for r in plan.verdict.reasons] == ["close_date_tight"]
    assert plan.verdict.level.value == "yellow"


def test_a_deal_over_its_stage_norm_is_due_to_exit_now() -> None:
    plan = closing_plan(open_deal(days_in_stage=25), MODEL, norms(20), T)
    first = plan.steps[0]
    assert (first.days, first.target, first.elapsed) == (0, TODAY, 25)
    assert "stage_over_norm" in [r.code for r in plan.verdict.reasons]
    assert plan.projected_close == TODAY + dt.timedelta(days=12)


@pytest.mark.parametrize("stage", ["Closed Won", "Closed Lost", "Negotiation"])
def test_a_closed_deal_or_an_unknown_stage_has_no_closing_plan(stage: str) -> None:
    with pytest.raises(NotPlannableError):
        closing_plan(open_deal(stage), MODEL, norms(20), T)


@pytest.mark.parametrize(
    ("committee", "blockers"),
    [
        ((EB,), ["no champion identified in the buying committee"]),
        ((CHAMPION,), ["no economic buyer identified in the buying committee"]),
        (
            (),
            [
                "no champion identified in the buying committee",
                "no economic buyer identified in the buying committee",
            ],
        ),
    ],
)
def test_the_plan_is_not_ready_for_a_map_without_champion_and_economic_buyer(
    committee: tuple[Person, ...], blockers: list[str]
) -> None:
    plan = closing_plan(open_deal(committee=committee), MODEL, norms(20), T)
    assert not plan.map_ready
    assert list(plan.map_blockers) == blockers
    with pytest.raises(ValueError, match="no "):
        map_draft(plan, committee, T)


def test_the_map_draft_shares_seller_steps_and_adds_buyer_steps_with_owners() -> None:
    plan = closing_plan(open_deal("Proving Value"), MODEL, norms(20), T)
    draft = map_draft(plan, COMMITTEE, T)
    seller = [(i.action, i.side, i.seller_owner, i.customer_owner) for i in draft.items[:3]]
    assert seller == [
        ("Proving Value: POC or trial", "both", "Ann Seller", "Dana Ruiz"),
        ("Proposal: pricing, terms, scope", "both", "Ann Seller", "Dana Ruiz"),
        ("Paper Process: legal, procurement, security", "both", "Ann Seller", "Dana Ruiz"),
    ]
    proving, proposal, paper = (s.target for s in plan.steps)
    buyer = {i.action: (i.side, i.customer_owner, i.due_date) for i in draft.items[3:]}
    assert buyer == {
        # stage_from_close -1: the current stage
        "Confirm the decision process and the dates of this plan": ("buyer", "Dana Ruiz", proving),
        # 1: the stage before the last
        "Security review": ("buyer", "Sam Okoro", proposal),
        # 0: the close; nobody in procurement: the champion owns it
        "Legal redlines of the contract": ("buyer", "Ana Lima", paper),
        "Procurement: vendor onboarding and purchase order": ("buyer", "Dana Ruiz", paper),
        "Economic buyer sign-off": ("buyer", "Lee Park", paper),
    }
    assert [m.name for m in draft.milestones] == [s.exit for s in plan.steps]


def test_a_buyer_step_the_map_already_covers_is_not_drafted_again() -> None:
    plan = closing_plan(open_deal("Paper Process"), MODEL, norms(20), T)
    existing = ["Legal review of MSA and DPA", "paper process: legal, procurement, security"]
    draft = map_draft(plan, COMMITTEE, T, existing)
    actions = [i.action for i in draft.items]
    assert "Legal redlines of the contract" not in actions
    assert "Paper Process: legal, procurement, security" not in actions
    assert ("Legal redlines of the contract", "Legal review of MSA and DPA") in draft.already
    again = map_draft(plan, COMMITTEE, T, existing + actions)
    assert again.items == ()
    assert again.milestones == ()
