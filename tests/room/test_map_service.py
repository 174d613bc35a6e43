"""MAP edits by both sides with version checks (MAP-1, MAP-7, PLAT-4)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.engines.facts import buyer_actor
from dealplan.errors import InputError, NotFoundError
from dealplan.history.models import HistoryEntry
from dealplan.plan import map_service
from dealplan.plan.map_service import ConflictError
from dealplan.plan.models import MapItem
from tests.room.conftest import T0, Workspace, build

T1 = T0 + dt.timedelta(days=1)
T2 = T0 + dt.timedelta(days=2)
DANA = buyer_actor("Dana Ruiz")


def test_buyer_adds_their_own_item_recorded_under_their_name(
    session: Session, ws: Workspace
) -> None:
    item = map_service.add_item(
        session=session,
        deal_id=ws.deal_id,
        fields={"action": "Book the security review", "due_date": "2026-03-20"},
        actor=DANA,
        side="buyer",
        at=T1,
    )
    assert (item.side, item.created_by_side, item.status, item.version) == (
        "buyer",
        "buyer",
        "not_started",
        1,
    )
    assert item.due_date == dt.date(2026, 3, 20)
    actors = session.scalars(
        select(HistoryEntry.actor).where(
            HistoryEntry.entity == "map_item", HistoryEntry.entity_id == item.id
        )
    ).all()
    assert actors == ["Dana Ruiz (buyer)"]


def test_completing_an_item_moves_its_version_and_stamps_completion(
    session: Session, ws: Workspace
) -> None:
    item = map_service.update_item(
        session=session,
        item_id=ws.buyer_item_id,
        changes={"status": "complete"},
        base_version=1,
        actor=DANA,
        side="buyer",
        at=T1,
    )
    assert (item.status, item.version, item.completed_at) == ("complete", 2, T1)
    history = map_service.map_history(session=session, deal_id=ws.deal_id)
    assert [(h["actor"], h["field"], h["old"], h["new"]) for h in history[:1]] == [
        ("Dana Ruiz (buyer)", "status", "not_started", "complete")
    ]


def test_stale_edit_is_refused_and_told_what_changed_and_by_whom(
    session: Session, ws: Workspace
) -> None:
    map_service.update_item(
        session=session,
        item_id=ws.buyer_item_id,
        changes={"status": "in_progress", "due_date": "2026-03-07"},
        base_version=1,
        actor=DANA,
        side="buyer",
        at=T1,
    )
    session.commit()
    with pytest.raises(ConflictError) as caught:
        map_service.update_item(
            session=session,
            item_id=ws.buyer_item_id,
            changes={"due_date": "2026-03-12"},
            base_version=1,
            actor="Ann Seller",
            side="seller",
            at=T2,
        )
    err = caught.value
    assert sorted(err.changed) == ["due_date", "status"]
    assert err.by == ["Dana Ruiz (buyer)"]
    assert err.current["version"] == 2
    assert err.current["due_date"] == "2026-03-07"
    assert "changed since you opened it" in str(err)
    session.rollback()
    assert session.get(MapItem, ws.buyer_item_id).due_date == dt.date(2026, 3, 7)  # type: ignore[union-attr]


def test_second_edit_based_on_the_new_version_goes_through(session: Session, ws: Workspace) -> None:
    for version, status in ((1, "in_progress"), (2, "complete")):
        map_service.update_item(
            session=session,
            item_id=ws.buyer_item_id,
            changes={"status": status},
            base_version=version,
            actor=DANA,
            side="buyer",
            at=T1,
        )
    assert session.get(MapItem, ws.buyer_item_id).version == 3  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seller_owner": "Someone"}, "the buyer cannot set seller_owner"),
        ({"status": "done"}, "status: 'done' is not one of"),
        ({"due_date": "next week"}, "due_date: 'next week' is not a date"),
    ],
)
def test_buyer_edits_outside_their_fields_or_values_are_refused(
    session: Session, ws: Workspace, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        map_service.update_item(
            session=session,
            item_id=ws.seller_item_id,
            changes=changes,
            base_version=1,
            actor=DANA,
            side="buyer",
        )


def test_an_item_of_another_deal_is_not_found_through_this_deal(
    session: Session, ws: Workspace
) -> None:
    with pytest.raises(NotFoundError):
        map_service.update_item(
            session=session,
            item_id=ws.buyer_item_id,
            changes={"status": "complete"},
            base_version=1,
            actor=DANA,
            side="buyer",
            deal_id=ws.other_deal_id,
        )


def test_milestones_are_added_renamed_and_checked_for_staleness(
    session: Session, ws: Workspace
) -> None:
    ms = map_service.add_milestone(
        session=session,
        deal_id=ws.deal_id,
        fields={"name": "Legal review", "due_date": "2026-05-01"},
        actor="Ann Seller",
        side="seller",
        at=T0,
    )
    assert ms.position == 2
    map_service.update_milestone(
        session=session,
        milestone_id=ms.id,
        changes={"name": "Legal and security review"},
        base_version=1,
        actor="Ann Seller",
        side="seller",
        at=T1,
    )
    assert map_service.milestone_version(session=session, milestone_id=ms.id) == 2
    with pytest.raises(ConflictError) as caught:
        map_service.update_milestone(
            session=session,
            milestone_id=ms.id,
            changes={"due_date": "2026-05-15"},
            base_version=1,
            actor=DANA,
            side="buyer",
            at=T2,
        )
    assert caught.value.changed == ["name"]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_two_buyers_saving_the_same_version_at_once_keep_one_change_and_refuse_the_other(
    db_url: str,
) -> None:
    """PostgreSQL: the second edit waits for the first one's row lock, then finds it stale."""
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    with sessions() as s:
        item_id = build(s).buyer_item_id
    first, second = sessions(), sessions()
    map_service.update_item(
        session=first,
        item_id=item_id,
        changes={"status": "complete"},
        base_version=1,
        actor=DANA,
        side="buyer",
        at=T1,
    )
    refused: list[ConflictError] = []

    def lee_saves() -> None:
        try:
            map_service.update_item(
                session=second,
                item_id=item_id,
                changes={"status": "blocked"},
                base_version=1,
                actor=buyer_actor("Lee Park"),
                side="buyer",
                at=T1,
            )
            second.commit()
        except ConflictError as exc:
            second.rollback()
            refused.append(exc)

    lee = threading.Thread(target=lee_saves)
    lee.start()
    lee.join(0.5)
    assert lee.is_alive()  # waiting for Dana's edit to commit or roll back
    first.commit()
    lee.join(10)
    [conflict] = refused
    assert "status" in conflict.changed
    assert conflict.by == ["Dana Ruiz (buyer)"]
    with sessions() as s:
        item = s.get(MapItem, item_id)
        assert item is not None
        assert (item.status, item.version) == ("complete", 2)
    first.close()
    second.close()
    engine.dispose()
