"""A small workspace for the qualification commands: one account, its committee, two deals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dealplan.history.service import recording
from dealplan.models import Account, Activity, Contact, Deal, MapItem, MeddpiccElement
from dealplan.workspace.service import set_setting

DAY = dt.datetime(2024, 3, 1, 9)
AS_OF = "2024-06-30"
ELEMENTS = (
    "metrics",
    "economic_buyer",
    "decision_criteria",
    "decision_process",
    "paper_process",
    "identified_pain",
    "champion",
    "competition",
)


def build(session: Session) -> dict[str, int]:
    """Globex with an EB, a champion-less Demonstrating deal (OPP-1, $120K) and a Paper Process
    deal that meets every criterion (OPP-2, $80K). Returns the deal ids by external id."""
    with recording(session, actor="ann", at=DAY):
        set_setting(session=session, key="methodology", value="unified")
        acc = Account(name="Globex", strategic_fit=True, owner="Ann Seller")
        session.add(acc)
        session.flush()
        eb = Contact(
            account_id=acc.id,
            name="Lee Park",
            role="economic_buyer",
            engagement="engaged",
            influence="high",
            support="high",
        )
        tech = Contact(account_id=acc.id, name="Wei Costa", role="technical_buyer")
        proc = Contact(account_id=acc.id, name="Ola Berg", role="procurement")
        session.add_all([eb, tech, proc])
        session.flush()
        one = Deal(
            name="Globex platform",
            external_id="OPP-1",
            account_id=acc.id,
            owner="Ann Seller",
            stage="Demonstrating",
            amount=120_000,
            created_date=DAY.date(),
            close_date=dt.date(2024, 9, 30),
        )
        two = Deal(
            name="Globex expansion",
            external_id="OPP-2",
            account_id=acc.id,
            owner="Ann Seller",
            stage="Paper Process",
            amount=80_000,
            created_date=DAY.date(),
            close_date=dt.date(2024, 7, 31),
            eb_checklist={
                k: True
                for k in (
                    "identified",
                    "met",
                    "agrees_problem",
                    "agrees_metrics",
                    "knows_price",
                    "understands_timeline",
                )
            },
            poc_success_met=True,
        )
        session.add_all([one, two])
        session.flush()
        for e in ELEMENTS:
            session.add(MeddpiccElement(deal_id=one.id, element=e, status="assumed"))
            session.add(
                MeddpiccElement(
                    deal_id=two.id,
                    element=e,
                    status="validated",
                    value="Cut triage 40%" if e == "metrics" else "known",
                    validated_by_id=eb.id,
                )
            )
        session.add(Activity(deal_id=one.id, type="demo", occurred_at=DAY + dt.timedelta(days=20)))
        session.add(
            MapItem(
                deal_id=two.id,
                action="Legal review of MSA and DPA",
                side="buyer",
                status="complete",
            )
        )
        session.flush()
    session.commit()
    return {"OPP-1": one.id, "OPP-2": two.id}
