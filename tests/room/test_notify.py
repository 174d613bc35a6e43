"""Mail to the room owner on a buyer change and the assignees' digest (MAP-7), through a real
SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dealplan.config import Settings
from dealplan.engines.facts import buyer_actor
from dealplan.notify.outbox import Notice, Outbox
from dealplan.notify.room_mail import digest, notify_owner, send_digest
from dealplan.room import service as rooms
from tests.helpers import Cli
from tests.room.conftest import T0, Workspace, build


class Sink:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, Settings]]:
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(smtp_host="127.0.0.1", smtp_port=port, base_url="http://deals.test")
    yield sink, settings
    controller.stop()


def test_owner_is_mailed_when_the_buyer_changes_the_plan(
    session: Session, ws: Workspace, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    room, _ = rooms.create_room(
        session=session, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=T0
    )
    sent = notify_owner(
        session=session,
        room=room,
        actor=buyer_actor("Dana Ruiz"),
        what='completed "Share sample sensor data"',
        settings=settings,
    )
    assert sent == 1
    [mail] = sink.messages
    assert mail["To"] == "ann@example.com"
    assert "Dana Ruiz (buyer)" in mail["Subject"]
    assert f"http://deals.test/deals/{ws.deal_id}" in mail.get_payload()


def test_the_outbox_sends_every_queued_notice_before_it_closes(
    smtp: tuple[Sink, Settings],
) -> None:
    sink, settings = smtp
    outbox = Outbox(settings)
    for n in range(3):
        outbox.post(Notice(to="ann@example.com", subject=f"change {n}", body="Dana changed it"))
    outbox.close()
    assert [m["Subject"] for m in sink.messages] == ["change 0", "change 1", "change 2"]
    assert outbox.sent == 3


def test_an_outbox_without_smtp_host_sends_nothing_and_starts_no_thread() -> None:
    outbox = Outbox(Settings(smtp_host=""))
    outbox.post(Notice(to="ann@example.com", subject="s", body="b"))
    outbox.close()
    assert outbox.sent == 0


def test_an_unreachable_smtp_server_loses_the_mail_but_raises_nothing(
    smtp: tuple[Sink, Settings],
) -> None:
    _, settings = smtp
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    outbox = Outbox(settings.model_copy(update={"smtp_port": closed_port}))
    outbox.post(Notice(to="ann@example.com", subject="s", body="b"))
    outbox.close()
    assert outbox.sent == 0


def test_no_smtp_host_means_no_mail_and_no_error(session: Session, ws: Workspace) -> None:
    room, _ = rooms.create_room(
        session=session, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=T0
    )
    assert (
        notify_owner(
            session=session, room=room, actor="x", what="y", settings=Settings(smtp_host="")
        )
        == 0
    )


def test_digest_sends_overdue_and_due_soon_items_to_their_owners(
    session: Session, ws: Workspace, smtp: tuple[Sink, Settings]
) -> None:
    sink, settings = smtp
    # 6 March: Dana's item (due 5 March) is a day late, Ann's (10 March) due in 4 days.
    day = dt.date(2026, 3, 6)
    entries = digest(session=session, as_of=day, days=7)
    assert [(e.email, [(i["action"], i["days_overdue"]) for i in e.items]) for e in entries] == [
        ("ann@example.com", [("Configure the POC", 0)]),
        ("dana@globex.example", [("Share sample sensor data", 1)]),
    ]
    assert send_digest(entries, as_of=day, settings=settings) == 2
    dana = next(m for m in sink.messages if m["To"] == "dana@globex.example")
    assert dana["Subject"] == "Mutual action plan: 1 overdue, 0 due soon"
    assert "Share sample sensor data (Globex monitoring), due 05 Mar, 1 days late" in str(
        dana.get_payload()
    )


def test_digest_horizon_leaves_out_items_due_later(session: Session, ws: Workspace) -> None:
    entries = digest(session=session, as_of=dt.date(2026, 3, 1), days=3)
    assert [e.email for e in entries] == []


def test_room_commands_print_a_link_and_revoke_it(cli: Cli, db_url: str) -> None:
    from dealplan.database import make_engine, session_factory

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        ws = build(s)
    engine.dispose()
    made = cli(
        "room", "create", str(ws.deal_id), "--by", "ann@example.com", "--db", db_url, "--json"
    )
    assert made.exit_code == 0, made.stderr
    link = made.json()["link"]
    assert link.startswith("http://127.0.0.1:8000/room/")
    assert len(link.rsplit("/", 1)[1]) == 43
    gone = cli("room", "revoke", str(ws.deal_id), "--db", db_url, "--json")
    assert gone.json() == {"deal_id": ws.deal_id, "revoked": [made.json()["room_id"]]}
    bad = cli("room", "create", str(ws.deal_id), "--by", "nobody@x", "--db", db_url)
    assert bad.exit_code == 1
    assert "no user with email" in bad.stderr


def test_digest_command_lists_assignees_without_sending(cli: Cli, db_url: str) -> None:
    from dealplan.database import make_engine, session_factory

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        build(s)
    engine.dispose()
    got = cli("notify", "digest", "--as-of", "2026-03-06", "--dry-run", "--db", db_url, "--json")
    assert got.exit_code == 0, got.stderr
    data = got.json()
    assert data["sent"] == 0
    assert [a["email"] for a in data["assignees"]] == ["ann@example.com", "dana@globex.example"]
