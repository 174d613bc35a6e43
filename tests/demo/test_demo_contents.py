"""What is in the demo workspace: a team, accounts with committees, deals with a past."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.demo import ARCHETYPES
from dealplan.enums import CommitteeRole, Element
from dealplan.models import (
    Account,
    Activity,
    Contact,
    Deal,
    HistoryEntry,
    MapItem,
    MeddpiccElement,
    Risk,
    User,
)
from dealplan.workspace.service import get_setting
from tests.demo.conftest import AS_OF, Built, dump

UNIFIED = {
    "Pipeline Generation",
    "Discovery",
    "Demonstrating",
    "Proving Value",
    "Proposal",
    "Paper Process",
    "Closed Won",
    "Closed Lost",
}


def test_a_team_of_admin_manager_and_sellers_owns_forty_accounts_and_two_hundred_deals(
    demo_session: Session,
) -> None:
    roles = Counter(demo_session.scalars(select(User.role)))
    assert roles["admin"] == 1
    assert roles["manager"] == 1
    assert 4 <= roles["seller"] <= 6
    sellers = set(demo_session.scalars(select(User.name).where(User.role == "seller")))
    assert 36 <= (demo_session.scalar(select(func.count(Account.id))) or 0) <= 44
    deals = demo_session.scalars(select(Deal)).all()
    assert 180 <= len(deals) <= 220
    outcomes = Counter(d.outcome for d in deals)
    assert 0.55 <= outcomes["open"] / len(deals) <= 0.65
    assert outcomes["won"] >= 25
    assert outcomes["lost"] >= 25
    assert {d.stage for d in deals} == UNIFIED
    assert {d.owner for d in deals} <= sellers
    amounts = [d.amount or 0 for d in deals]
    assert 9_000 <= min(amounts) < 25_000
    assert 250_000 < max(amounts) <= 600_000
    for d in deals:
        assert d.product
        assert d.segment
        assert d.industry
        assert d.source
        assert d.created_date
        assert d.forecast_category
        assert d.close_date
        assert d.external_id
        if d.outcome == "open":
            assert d.closed_date is None
            assert d.next_step
            assert d.next_step_date
        else:
            assert d.closed_date is not None
            assert d.close_date == d.closed_date
        assert (d.outcome == "lost") == bool(d.loss_reason)
    assert sum(1 for d in deals if d.competitor) > len(deals) / 2


def test_history_covers_six_to_nine_months_and_nothing_happened_after_as_of(
    demo_session: Session,
) -> None:
    first, last = demo_session.execute(
        select(func.min(HistoryEntry.at), func.max(HistoryEntry.at))
    ).one()
    assert AS_OF - dt.timedelta(days=275) <= first <= AS_OF - dt.timedelta(days=182)
    assert last < AS_OF
    today = AS_OF.date()
    assert (demo_session.scalar(select(func.max(Activity.occurred_at))) or AS_OF) < AS_OF
    for column in (Deal.created_date, Deal.stage_date, Deal.closed_date, Deal.last_activity_date):
        assert (demo_session.scalar(select(func.max(column))) or today) <= today
    for column in (Account.hypothesis_date, Account.first_meeting_date):
        assert (demo_session.scalar(select(func.max(column))) or today) <= today
    assert (demo_session.scalar(select(func.max(MeddpiccElement.validated_on))) or today) <= today
    assert (demo_session.scalar(select(func.max(MapItem.completed_at))) or AS_OF) < AS_OF


def test_accounts_carry_their_summary_and_a_few_met_the_buyer_before_writing_a_plan(
    demo_session: Session,
) -> None:
    accounts = demo_session.scalars(select(Account)).all()
    for a in accounts:
        assert a.hq
        assert a.employees
        assert a.revenue
        assert a.industry
        assert a.technical_landscape
        assert a.initiatives
        assert 1 <= len(a.initiatives) <= 3
        assert all(i["initiative"] and i["source"] for i in a.initiatives)
        assert a.hypothesis
        assert a.hypothesis_date
        assert a.first_meeting_date
        assert a.owner
    # ACC-1: these accounts get the "first meeting predates the plan" warning.
    late = [a for a in accounts if a.first_meeting_date < a.hypothesis_date]  # type: ignore[operator]
    assert 1 <= len(late) <= 10
    customers = [a for a in accounts if a.arr]
    assert len(customers) >= 8
    for a in customers:
        assert a.products_owned
        assert a.whitespace
        assert a.expansion_opportunities
        assert a.goal_90_days
        assert a.goal_12_months
        assert a.nrr
    assert any(a.subsidiaries for a in accounts)


def test_committees_are_org_charts_with_roles_and_most_members_have_a_personal_win(
    demo_session: Session,
) -> None:
    contacts = demo_session.scalars(select(Contact)).all()
    by_account: dict[int | None, list[Contact]] = defaultdict(list)
    for c in contacts:
        by_account[c.account_id].append(c)
    roles = {r.value for r in CommitteeRole}
    for members in by_account.values():
        assert 3 <= len(members) <= 8
        ids = {c.id for c in members}
        for c in members:
            assert c.role in roles
            assert c.influence in ("low", "high")
            assert c.support in ("low", "high")
            assert c.engagement in ("cold", "warm", "engaged")
            assert c.relationship_depth is not None
            assert 1 <= c.relationship_depth <= 5
            assert c.email
            assert c.phone
            assert c.linkedin
            assert c.title
            assert c.location
            assert c.domain
            assert c.reports_to_id is None or c.reports_to_id in ids
        assert any(c.reports_to_id is not None for c in members)
        assert any(c.role == "champion" for c in members)
    with_win = sum(1 for c in contacts if c.personal_win)
    assert 0.5 * len(contacts) <= with_win < len(contacts)
    assert any(c.professional_win and c.professional_risk and c.motivations for c in contacts)
    assert len({c.name for c in contacts}) == len(contacts)


def test_meddpicc_elements_move_from_unknown_to_assumed_to_validated_with_evidence(
    demo_session: Session,
) -> None:
    elements = demo_session.scalars(select(MeddpiccElement)).all()
    per_deal = Counter(e.deal_id for e in elements)
    assert set(per_deal.values()) == {len(Element)}
    for e in elements:
        if e.status == "validated":
            assert e.value
            assert e.evidence
            assert e.validated_by_id
            assert e.validated_on
        elif e.status == "assumed":
            assert e.value
            assert e.evidence
        else:
            assert e.status == "unknown"
            assert e.value is None
    moves = Counter(
        (old, new)
        for old, new in demo_session.execute(
            select(HistoryEntry.old, HistoryEntry.new).where(
                HistoryEntry.entity == "meddpicc", HistoryEntry.field == "status"
            )
        )
    )
    assert moves[('"unknown"', '"assumed"')] > 100
    assert moves[('"assumed"', '"validated"')] > 100


def test_many_deals_have_risks_with_mitigation_and_an_owner(demo_session: Session) -> None:
    risks = demo_session.scalars(select(Risk)).all()
    assert len({r.deal_id for r in risks}) > 60
    assert all(r.issue and r.mitigation and r.responsible for r in risks)
    assert {r.status for r in risks} == {"open", "mitigating", "closed"}


def test_the_workspace_uses_the_unified_stages_and_never_stores_the_archetypes(
    demo: Built, demo_session: Session
) -> None:
    assert get_setting(session=demo_session, key="methodology") == "unified"
    # "won" and "lost" are outcomes, stored as such; the other archetype names never are.
    words = {a for a in ARCHETYPES if a not in ("won", "lost", "new")} | {"archetype"}
    assert words == {"healthy", "middling", "dying", "archetype"}
    for table, rows in dump(demo.url).items():
        for row in rows:
            text = str(row).lower()
            assert not any(w in text for w in words), (table, row)
