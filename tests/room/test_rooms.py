"""Room links (PLAT-3), guests and comments (MAP-7), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.room import service as rooms
from dealplan.room.models import Room
from tests.room.conftest import T0, Workspace


def test_room_link_carries_256_bits_and_only_its_hash_is_stored(
    session: Session, ws: Workspace
) -> None:
    room, token = rooms.create_room(
        session=session, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=T0
    )
    assert len(token) == 43  # 32 random bytes, URL-safe base64 without padding
    stored = session.scalars(select(Room.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored[0]
    assert room.expires_at == T0 + dt.timedelta(days=90)


def test_a_link_opens_its_own_room_and_no_other(session: Session, ws: Workspace) -> None:
    a, token_a = rooms.create_room(
        session=session, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=T0
    )
    b, token_b = rooms.create_room(
        session=session, deal_id=ws.other_deal_id, created_by=ws.seller_id, as_of=T0
    )
    assert rooms.room_for_token(session=session, token=token_a, as_of=T0) is a
    assert rooms.room_for_token(session=session, token=token_b, as_of=T0) is b
    assert rooms.room_for_token(session=session, token=token_a[:-1] + "x", as_of=T0) is None
    assert rooms.room_for_token(session=session, token="", as_of=T0) is None


def test_revoked_and_expired_links_open_nothing(session: Session, ws: Workspace) -> None:
    room, token = rooms.create_room(
        session=session, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=T0, days=30
    )
    day29 = T0 + dt.timedelta(days=29)
    assert rooms.room_for_token(session=session, token=token, as_of=day29) is room
    assert (
        rooms.room_for_token(session=session, token=token, as_of=T0 + dt.timedelta(days=30)) is None
    )
    rooms.revoke_room(session=session, room_id=room.id, as_of=T0 + dt.timedelta(days=1))
    assert (
        rooms.room_for_token(session=session, token=token, as_of=T0 + dt.timedelta(days=2)) is None
    )


def test_a_guest_cookie_is_recognised_only_in_its_room(session: Session, ws: Workspace) -> None:
    a, _ = rooms.create_room(session=session, deal_id=ws.deal_id, created_by=None, as_of=T0)
    b, _ = rooms.create_room(session=session, deal_id=ws.other_deal_id, created_by=None, as_of=T0)
    guest, cookie = rooms.join_room(session=session, room=a, name="  Dana   Ruiz ", as_of=T0)
    assert guest.name == "Dana Ruiz"
    assert rooms.guest_for_cookie(session=session, room=a, cookie=cookie) is guest
    assert rooms.guest_for_cookie(session=session, room=b, cookie=cookie) is None
    assert rooms.guest_for_cookie(session=session, room=a, cookie=None) is None


def test_one_lookup_finds_the_room_and_only_its_own_guest(session: Session, ws: Workspace) -> None:
    a, token_a = rooms.create_room(session=session, deal_id=ws.deal_id, created_by=None, as_of=T0)
    b, token_b = rooms.create_room(
        session=session, deal_id=ws.other_deal_id, created_by=None, as_of=T0
    )
    dana, cookie_a = rooms.join_room(session=session, room=a, name="Dana Ruiz", as_of=T0)
    lee, cookie_b = rooms.join_room(session=session, room=b, name="Lee Park", as_of=T0)
    both = {str(a.id): cookie_a, str(b.id): cookie_b}

    def lookup(token: str, cookies: dict[str, str], at: dt.datetime = T0) -> tuple[object, ...]:
        return rooms.room_with_guest(session=session, token=token, cookies=cookies, as_of=at)

    assert lookup(token_a, {str(a.id): cookie_a}) == (a, dana)
    assert lookup(token_a, both) == (a, dana)
    assert lookup(token_b, both) == (b, lee)
    # A guest of room B is nobody in room A, under either room's key.
    assert lookup(token_a, {str(b.id): cookie_b}) == (a, None)
    assert lookup(token_a, {str(a.id): cookie_b}) == (a, None)
    assert lookup(token_a, {}) == (a, None)
    assert lookup(token_a[:-1] + "x", both) == (None, None)
    assert lookup(token_a, both, T0 + dt.timedelta(days=90)) == (None, None)
    rooms.revoke_room(session=session, room_id=b.id, as_of=T0)
    assert lookup(token_b, both, T0 + dt.timedelta(days=1)) == (None, None)


def test_room_view_shows_the_plan_but_nothing_seller_only(session: Session, ws: Workspace) -> None:
    room, _ = rooms.create_room(
        session=session, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=T0
    )
    view = rooms.room_view(session=session, room=room)
    assert view["deal"]["problem"] == "Unplanned downtime on line 3"
    assert view["deal"]["seller"] == "Ann Seller"
    assert [i["action"] for i in view["milestones"][0]["items"]] == [
        "Share sample sensor data",
        "Configure the POC",
    ]
    text = repr(view)
    assert "INTERNAL" not in text
    assert "120000" not in text
    assert "amount" not in text


def test_comments_are_kept_per_deal_in_order(session: Session, ws: Workspace) -> None:
    room, _ = rooms.create_room(session=session, deal_id=ws.deal_id, created_by=None, as_of=T0)
    rooms.add_comment(
        session=session, room=room, author="Dana Ruiz", side="buyer", body="Data is ready", at=T0
    )
    rooms.add_comment(
        session=session,
        room=room,
        author="Ann Seller",
        side="seller",
        body="Thanks!",
        at=T0 + dt.timedelta(hours=1),
        item_id=ws.buyer_item_id,
    )
    got = rooms.comments(session=session, deal_id=ws.deal_id)
    assert [(c.author, c.body, c.item_id) for c in got] == [
        ("Dana Ruiz", "Data is ready", None),
        ("Ann Seller", "Thanks!", ws.buyer_item_id),
    ]
