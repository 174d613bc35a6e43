"""A small workspace whose deals change over four months, for the deal table and waterfall."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dealplan.history.service import recording
from dealplan.models import Account, Deal, MapItem
from dealplan.workspace.service import set_setting

JAN, FEB, MAR, APR = (dt.datetime(2026, m, 1, 9) for m in (1, 2, 3, 4))


def deals_with_a_past(session: Session) -> dict[str, int]:
    """Deals by name -> id.

    January: "Alpha" (Discovery, $50,000, closing 30 June, EB met) and "Beta" (Demonstrating,
    $20,000, closing 31 March, EB access blocked) are created. February: Alpha moves to
    Proposal at $80,000; "Gamma" is created (Discovery, $10,000). March: Beta is deleted and
    Alpha gets a MAP item. April: Alpha is won on 2 April.
    """
    with recording(session, actor="ann", at=JAN):
        set_setting(session=session, key="methodology", value="unified")
        acc = Account(name="Globex", industry="Manufacturing")
        session.add(acc)
        session.flush()
        alpha = Deal(
            name="Alpha",
            account_id=acc.id,
            owner="ann",
            stage="Discovery",
            amount=50_000,
            close_date=dt.date(2026, 6, 30),
            created_date=dt.date(2026, 1, 1),
            competitor="Acme",
            eb_checklist={"met": True},
        )
        beta = Deal(
            name="Beta",
            account_id=acc.id,
            owner="bob",
            stage="Demonstrating",
            amount=20_000,
            close_date=dt.date(2026, 3, 31),
            created_date=dt.date(2026, 1, 1),
            eb_access="blocked",
        )
        session.add_all([alpha, beta])
        session.flush()
    with recording(session, actor="ann", at=FEB):
        alpha.stage = "Proposal"
        alpha.amount = 80_000
        gamma = Deal(
            name="Gamma",
            owner="ann",
            stage="Discovery",
            amount=10_000,
            close_date=dt.date(2026, 9, 30),
            created_date=dt.date(2026, 2, 1),
        )
        session.add(gamma)
        session.flush()
    ids = {"Alpha": alpha.id, "Beta": beta.id, "Gamma": gamma.id}
    with recording(session, actor="ann", at=MAR):
        session.delete(beta)
        session.add(MapItem(deal_id=alpha.id, action="Security review", side="buyer"))
        session.flush()
    with recording(session, actor="ann", at=APR + dt.timedelta(days=1)):
        alpha.stage = "Closed Won"
        alpha.outcome = "won"
        alpha.closed_date = dt.date(2026, 4, 2)
        session.flush()
    session.commit()
    return ids
