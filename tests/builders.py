"""Small workspaces built through the services, with a past, for tests."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.history.service import recording
from dealplan.models import (
    Account,
    Activity,
    Contact,
    Deal,
    MapItem,
    MeddpiccElement,
    Milestone,
    Risk,
    User,
)
from dealplan.workspace.service import set_setting

JAN, FEB, MAR, APR = (dt.datetime(2026, m, 1, 9) for m in (1, 2, 3, 4))


def deal_with_a_past(session: Session) -> int:
    """One account, its committee and one deal changed over four months; returns the deal id.

    January: created in Discovery with an assumed champion. February: Demonstrating, a close
    date, the champion validated, a buyer MAP item. March: the buyer completes it and the close
    date slips. April: the item is deleted.
    """
    with recording(session, actor="ann", at=JAN):
        session.add(User(email="ann@example.com", name="Ann Seller", role="seller"))
        set_setting(session=session, key="methodology", value="unified")
        acc = Account(
            name="Globex",
            industry="Manufacturing",
            employees=5200,
            revenue=1.2e9,
            initiatives=[{"initiative": "Cut downtime 20%", "source": "10-K 2025"}],
            products_owned=["Monitor"],
        )
        session.add(acc)
        session.flush()
        boss = Contact(account_id=acc.id, name="Lee Park", title="CFO", role="economic_buyer")
        session.add(boss)
        session.flush()
        session.add(
            Contact(
                account_id=acc.id,
                name="Dana Ruiz",
                title="VP Ops",
                role="champion",
                reports_to_id=boss.id,
                motivations=["up for promotion"],
            )
        )
        deal = Deal(
            name="Globex platform",
            account_id=acc.id,
            stage="Discovery",
            amount=50_000,
            owner="Ann Seller",
            external_id="OPP-1",
        )
        session.add(deal)
        session.flush()
        session.add(MeddpiccElement(deal_id=deal.id, element="champion", status="assumed"))
        session.add(Risk(deal_id=deal.id, issue="=cmd|' /C calc'!A0", status="open"))
        session.flush()
    with recording(session, actor="bob", at=FEB):
        deal.stage = "Demonstrating"
        deal.close_date = dt.date(2026, 6, 30)
        elem = session.scalars(select(MeddpiccElement)).one()
        elem.status = "validated"
        ms = Milestone(deal_id=deal.id, name="Technical validation", due_date=dt.date(2026, 4, 1))
        session.add(ms)
        session.flush()
        item = MapItem(
            deal_id=deal.id,
            milestone_id=ms.id,
            action="Security review",
            side="buyer",
            status="not_started",
            customer_owner="Dana Ruiz",
        )
        session.add(item)
        session.add(
            Activity(deal_id=deal.id, type="meeting", occurred_at=FEB, summary="<b>Kick-off</b>")
        )
        session.flush()
    with recording(session, actor="Dana Ruiz (buyer)", at=MAR):
        item.status = "complete"
        deal.close_date = dt.date(2026, 8, 31)
        session.flush()
    with recording(session, actor="bob", at=APR):
        session.delete(item)
        session.flush()
    session.commit()
    return deal.id
