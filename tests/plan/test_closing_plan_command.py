"""MAP-6 through the CLI: the closing plan of a deal, and its conversion into the MAP."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.history.models import HistoryEntry
from dealplan.history.service import recording
from dealplan.models import Account, Contact, Deal, MapItem, Milestone
from tests.helpers import Cli

JAN = dt.datetime(2026, 1, 5, 9)
MAR = dt.datetime(2026, 3, 2, 9)


def deal_in_proposal(session: Session, *, roles: tuple[str, ...]) -> int:
    """Globex's deal in Proposal since March, with a committee of `roles`; returns its id."""
    with recording(session, actor="ann", at=JAN):
        acc = Account(name="Globex", employees=5200, industry="Manufacturing")
        session.add(acc)
        session.flush()
        names = {
            "champion": "Dana Ruiz",
            "economic_buyer": "Lee Park",
            "legal": "Ana Lima",
            "technical_buyer": "Sam Okoro",
        }
        for role in roles:
            session.add(Contact(account_id=acc.id, name=names[role], role=role))
        deal = Deal(
            name="Globex platform",
            account_id=acc.id,
            stage="Proving Value",
            amount=120_000,
            owner="Ann Seller",
            external_id="OPP-1",
            close_date=dt.date(2026, 4, 30),
        )
        session.add(deal)
        session.flush()
    with recording(session, actor="ann", at=MAR):
        deal.stage = "Proposal"
        session.flush()
    session.commit()
    return deal.id


def test_closing_plan_lists_steps_to_close_with_default_dates_and_their_source(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_in_proposal(session, roles=("champion",))
    result = cli("closing-plan", "OPP-1", "--as-of", "2026-03-10", "--json", "--db", db_url)
    assert result.exit_code == 0, result.stderr
    plan = result.json()
    # No closed deals: methodology defaults, Proposal 21 days (8 spent), Paper Process 30.
    assert [(s["stage"], s["target"], s["source"]) for s in plan["steps"]] == [
        ("Proposal", "2026-03-23", "default"),
        ("Paper Process", "2026-04-22", "default"),
    ]
    assert plan["projected_close"] == "2026-04-22"
    assert plan["can_make_close_date"] is True
    assert plan["map_ready"] is False
    assert plan["map_blockers"] == ["no economic buyer identified in the buying committee"]
    text = cli("closing-plan", "OPP-1", "--as-of", "2026-03-10", "--db", db_url)
    assert "methodology default" in text.stdout
    assert "Not ready for a MAP: no economic buyer identified" in text.stdout


def test_conversion_to_a_map_is_refused_without_an_economic_buyer(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_id = deal_in_proposal(session, roles=("champion", "legal"))
    result = cli("closing-plan", "OPP-1", "--to-map", "--as-of", "2026-03-10", "--db", db_url)
    assert result.exit_code == 1
    assert "no economic buyer identified in the buying committee" in result.stderr
    assert "stays a closing plan" in result.stderr
    count = select(func.count()).select_from(MapItem).where(MapItem.deal_id == deal_id)
    assert session.scalar(count) == 0


def test_conversion_writes_the_map_in_history_once(session: Session, db_url: str, cli: Cli) -> None:
    deal_id = deal_in_proposal(session, roles=("champion", "economic_buyer", "legal"))
    args = ("closing-plan", "OPP-1", "--to-map", "--as-of", "2026-03-10", "--json")
    first = cli(*args, "--db", db_url)
    assert first.exit_code == 0, first.stderr
    made = first.json()["conversion"]
    assert [m["name"] for m in made["milestones_created"]] == [
        "Proposal delivered, economic buyer aligned and approved",
        "Approvals secured",
    ]
    items = {i["action"]: (i["side"], i["customer_owner"]) for i in made["items_created"]}
    assert items == {
        "Proposal: pricing, terms, scope": ("both", "Dana Ruiz"),
        "Paper Process: legal, procurement, security": ("both", "Dana Ruiz"),
        "Confirm the decision process and the dates of this plan": ("buyer", "Dana Ruiz"),
        "Security review": ("buyer", "Dana Ruiz"),
        "Legal redlines of the contract": ("buyer", "Ana Lima"),
        "Procurement: vendor onboarding and purchase order": ("buyer", "Dana Ruiz"),
        "Economic buyer sign-off": ("buyer", "Lee Park"),
    }
    second = cli(*args, "--db", db_url)
    assert second.exit_code == 0, second.stderr
    again = second.json()["conversion"]
    assert again["items_created"] == []
    assert again["milestones_created"] == []
    assert len(again["steps_already_in_map"]) == 7
    session.expire_all()
    n_items = select(func.count()).select_from(MapItem).where(MapItem.deal_id == deal_id)
    n_ms = select(func.count()).select_from(Milestone).where(Milestone.deal_id == deal_id)
    assert (session.scalar(n_items), session.scalar(n_ms)) == (7, 2)
    written = session.execute(
        select(HistoryEntry.actor, HistoryEntry.at).where(
            HistoryEntry.entity == "map_item", HistoryEntry.op == "create"
        )
    ).all()
    assert len(written) == 7
    assert {(a, at.date()) for a, at in written} == {("Ann Seller", dt.date(2026, 3, 10))}


def test_conversion_cannot_be_written_before_the_deals_last_change(
    session: Session, db_url: str, cli: Cli
) -> None:
    deal_in_proposal(session, roles=("champion", "economic_buyer"))
    result = cli("closing-plan", "OPP-1", "--to-map", "--as-of", "2026-02-01", "--db", db_url)
    assert result.exit_code == 1
    assert "before the deal's last recorded change" in result.stderr


def test_a_closed_deal_has_no_closing_plan(session: Session, db_url: str, cli: Cli) -> None:
    deal_id = deal_in_proposal(session, roles=("champion",))
    deal = session.get(Deal, deal_id)
    assert deal is not None
    with recording(session, actor="ann", at=MAR + dt.timedelta(days=3)):
        deal.stage, deal.outcome = "Closed Won", "won"
        session.flush()
    session.commit()
    result = cli("closing-plan", str(deal_id), "--db", db_url)
    assert result.exit_code == 1
    assert "there is nothing left to plan" in result.stderr
