"""A small workspace for room tests: one seller, one account with two contacts, two deals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from dealplan.history.service import recording
from dealplan.models import Account, Contact, Deal, MapItem, Milestone, User

T0 = dt.datetime(2026, 3, 2, 9, 0)


@dataclass(frozen=True)
class Workspace:
    seller_id: int
    deal_id: int
    other_deal_id: int
    milestone_id: int
    seller_item_id: int
    buyer_item_id: int


def build(session: Session) -> Workspace:
    """Ann sells to Globex: a MAP with one milestone, a seller item and a buyer item."""
    with recording(session, actor="Ann Seller", at=T0):
        ann = User(email="ann@example.com", name="Ann Seller", role="seller")
        acc = Account(name="Globex")
        session.add_all([ann, acc])
        session.flush()
        session.add_all(
            [
                Contact(account_id=acc.id, name="Dana Ruiz", email="dana@globex.example"),
                Contact(account_id=acc.id, name="Lee Park", email=None),
            ]
        )
        deal = Deal(
            name="Globex monitoring",
            account_id=acc.id,
            owner="Ann Seller",
            stage="Demonstrating",
            amount=120_000,
            close_date=dt.date(2026, 6, 30),
            problem="Unplanned downtime on line 3",
            solution="Predictive monitoring",
            buying_process="Ops VP, then CFO approval, then legal",
            notes="INTERNAL: champion is nervous",
        )
        other = Deal(name="Initech renewal", owner="Ann Seller", stage="Discovery")
        session.add_all([deal, other])
        session.flush()
        ms = Milestone(deal_id=deal.id, name="Technical validation", position=1)
        session.add(ms)
        session.flush()
        s_item = MapItem(
            deal_id=deal.id,
            milestone_id=ms.id,
            action="Configure the POC",
            side="seller",
            seller_owner="Ann Seller",
            due_date=dt.date(2026, 3, 10),
            status="in_progress",
        )
        b_item = MapItem(
            deal_id=deal.id,
            milestone_id=ms.id,
            action="Share sample sensor data",
            side="buyer",
            customer_owner="Dana Ruiz",
            due_date=dt.date(2026, 3, 5),
            status="not_started",
        )
        session.add_all([s_item, b_item])
        session.flush()
    session.commit()
    return Workspace(ann.id, deal.id, other.id, ms.id, s_item.id, b_item.id)


@pytest.fixture
def ws(session: Session) -> Workspace:
    return build(session)
