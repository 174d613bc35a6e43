"""History: every change is recorded, and a deal can be rebuilt as it stood on a past date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.history.models import HistoryEntry
from dealplan.history.rebuild import deal_as_of, stage_timeline
from tests.builders import APR, FEB, JAN, MAR, deal_with_a_past


def test_every_change_is_recorded_with_actor_time_field_old_and_new(session: Session) -> None:
    deal_id = deal_with_a_past(session)
    rows = session.scalars(
        select(HistoryEntry)
        .where(
            HistoryEntry.entity == "deal",
            HistoryEntry.entity_id == deal_id,
            HistoryEntry.field == "close_date",
        )
        .order_by(HistoryEntry.at)
    ).all()
    assert [(r.actor, r.at, r.old, r.new) for r in rows] == [
        ("bob", FEB, None, '"2026-06-30"'),
        ("Dana Ruiz (buyer)", MAR, '"2026-06-30"', '"2026-08-31"'),
    ]


def test_deal_as_of_a_past_date_shows_the_stage_meddpicc_and_map_of_then(session: Session) -> None:
    deal_id = deal_with_a_past(session)
    jan = deal_as_of(session, deal_id=deal_id, as_of=JAN + dt.timedelta(days=10))
    assert jan is not None
    assert jan.deal["stage"] == "Discovery"
    assert jan.deal["close_date"] is None
    assert [m["status"] for m in jan.meddpicc] == ["assumed"]
    assert jan.map_items == []
    assert [c["name"] for c in jan.committee] == ["Lee Park", "Dana Ruiz"]

    feb = deal_as_of(session, deal_id=deal_id, as_of=FEB + dt.timedelta(days=10))
    assert feb is not None
    assert feb.deal["close_date"] == dt.date(2026, 6, 30)
    assert [(i["action"], i["status"]) for i in feb.map_items] == [
        ("Security review", "not_started")
    ]

    # Deleted in April, the item is still there as it stood in March.
    mar = deal_as_of(session, deal_id=deal_id, as_of=MAR + dt.timedelta(days=10))
    assert mar is not None
    assert [i["status"] for i in mar.map_items] == ["complete"]
    now = deal_as_of(session, deal_id=deal_id, as_of=APR + dt.timedelta(days=1))
    assert now is not None
    assert now.map_items == []


def test_a_deal_did_not_exist_before_it_was_created(session: Session) -> None:
    deal_id = deal_with_a_past(session)
    assert deal_as_of(session, deal_id=deal_id, as_of=JAN - dt.timedelta(seconds=1)) is None


def test_stage_changes_read_as_a_timeline(session: Session) -> None:
    deal_id = deal_with_a_past(session)
    timeline = stage_timeline(session, deal_id=deal_id)
    assert [(c.at, c.from_stage, c.to_stage, c.actor) for c in timeline] == [
        (JAN, None, "Discovery", "ann"),
        (FEB, "Discovery", "Demonstrating", "bob"),
    ]
