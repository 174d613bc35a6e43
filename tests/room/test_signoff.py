"""Sign-off by both sides with the signed plan frozen and later changes shown (MAP-8)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from dealplan.engines.facts import buyer_actor
from dealplan.plan import map_service
from dealplan.room import signoff
from tests.room.conftest import T0, Workspace

T1 = T0 + dt.timedelta(days=1)


def test_both_sides_signing_the_same_plan_share_version_one(
    session: Session, ws: Workspace
) -> None:
    a = signoff.sign(session=session, deal_id=ws.deal_id, side="buyer", name="Dana Ruiz", at=T0)
    b = signoff.sign(session=session, deal_id=ws.deal_id, side="seller", name="Ann Seller", at=T1)
    status = signoff.signature_status(session=session, deal_id=ws.deal_id)
    assert (a.version, b.version) == (1, 1)
    assert status["complete"] is True
    assert status["signed"]["buyer"]["name"] == "Dana Ruiz"
    assert status["changes"] == []


def test_changes_after_signing_are_shown_against_the_signed_version(
    session: Session, ws: Workspace
) -> None:
    signoff.sign(session=session, deal_id=ws.deal_id, side="buyer", name="Dana Ruiz", at=T0)
    map_service.update_item(
        session=session,
        item_id=ws.buyer_item_id,
        changes={"due_date": "2026-03-09"},
        base_version=1,
        actor=buyer_actor("Dana Ruiz"),
        side="buyer",
        at=T1,
    )
    map_service.add_item(
        session=session,
        deal_id=ws.deal_id,
        fields={"action": "Security questionnaire"},
        actor="Ann Seller",
        side="seller",
        at=T1,
    )
    status = signoff.signature_status(session=session, deal_id=ws.deal_id)
    assert status["changes"] == [
        {
            "kind": "changed",
            "what": "item",
            "label": "Share sample sensor data",
            "field": "due_date",
            "signed": "2026-03-05",
            "now": "2026-03-09",
        },
        {
            "kind": "added",
            "what": "item",
            "label": "Security questionnaire",
            "field": None,
            "signed": None,
            "now": None,
        },
    ]
    # The frozen snapshot still holds the plan as signed.
    again = signoff.sign(
        session=session, deal_id=ws.deal_id, side="seller", name="Ann Seller", at=T1
    )
    assert again.version == 2
    assert signoff.signature_status(session=session, deal_id=ws.deal_id)["complete"] is False
