"""The room's owner is mailed when a buyer's change is saved (MAP-7), after the answer: the
mail goes through the app's outbox once the change has committed, and a refused change
mails nobody. Against the live server and a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx
import pytest

from dealplan.database import make_engine, session_factory
from dealplan.room import service as rooms
from tests.room.conftest import build
from tests.web.conftest import WEB_AS_OF, SmtpSink


@dataclass(frozen=True)
class Room:
    token: str
    item_id: int
    deal_id: int


@pytest.fixture(scope="module")
def room(web_db: str) -> Room:
    """Ann's room on the Globex deal (Ann: ann@example.com, the owner mailed)."""
    engine = make_engine(web_db)
    with session_factory(engine)() as s:
        ws = build(s)
        _, token = rooms.create_room(
            session=s, deal_id=ws.deal_id, created_by=ws.seller_id, as_of=WEB_AS_OF
        )
        s.commit()
    engine.dispose()
    return Room(token, ws.buyer_item_id, ws.deal_id)


def test_a_saved_buyer_change_mails_the_owner_and_a_refused_one_mails_nobody(
    live_server: str, room: Room, smtp_server: SmtpSink
) -> None:
    smtp_server.clear()
    api = f"/api/room/{room.token}"
    with httpx.Client(base_url=live_server) as dana:
        dana.headers["X-CSRF-Token"] = dana.get(api).headers["X-CSRF-Token"]
        assert dana.post(f"{api}/join", json={"name": "Dana Ruiz"}).status_code == 200
        saved = dana.patch(
            f"{api}/items/{room.item_id}", json={"status": "complete", "base_version": 1}
        )
        assert (saved.status_code, saved.json()["version"]) == (200, 2)

        [mail] = smtp_server.wait_for(1)
        assert mail["To"] == "ann@example.com"
        subject = " ".join(str(mail["Subject"]).split())  # unfold the long header
        assert (
            subject == 'Globex monitoring: Dana Ruiz (buyer) completed "Share sample sensor data"'
        )
        assert f"/deals/{room.deal_id}" in mail.get_payload()

        stale = dana.patch(
            f"{api}/items/{room.item_id}", json={"status": "blocked", "base_version": 1}
        )
        assert stale.status_code == 409
        assert sorted(stale.json()["changed"]) == ["completed_at", "status"]
        time.sleep(0.5)  # a mail queued by mistake would have gone by now
        assert len(smtp_server.messages) == 1
