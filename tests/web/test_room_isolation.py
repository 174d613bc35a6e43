"""A room's buyer reaches their room and nothing else (PLAT-3); hostile text comes back
escaped (PLAT-5). Against the live server, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from playwright.sync_api import Browser, Dialog

from dealplan.config import Settings
from dealplan.database import make_engine, session_factory
from dealplan.plan import map_service
from dealplan.room import service as rooms
from dealplan.web.app import create_app
from tests.conftest import BACKENDS
from tests.room.conftest import build
from tests.web.conftest import WEB_AS_OF, csrf_of

pytestmark = pytest.mark.parametrize("web_db", BACKENDS, indirect=True)
XSS = "<script>alert(1)</script>"
ROOM_PREFIXES = ("/room/", "/api/room/")
PUBLIC = {"/login", "/logout", "/openapi.json", "/api/docs", "/static"}


@dataclass(frozen=True)
class Rooms:
    deal_id: int
    item_id: int
    other_deal_id: int
    b_room_id: int
    b_item_id: int
    a: str
    b: str
    revoked: str
    expired: str


@pytest.fixture(scope="module")
def tokens(web_db: str) -> Rooms:
    engine = make_engine(web_db)
    with session_factory(engine)() as s:
        ws = build(s)
        _, a = rooms.create_room(session=s, deal_id=ws.deal_id, created_by=None, as_of=WEB_AS_OF)
        room_b, b = rooms.create_room(
            session=s, deal_id=ws.other_deal_id, created_by=None, as_of=WEB_AS_OF
        )
        gone, revoked = rooms.create_room(
            session=s, deal_id=ws.deal_id, created_by=None, as_of=WEB_AS_OF
        )
        rooms.revoke_room(session=s, room_id=gone.id, as_of=WEB_AS_OF)
        _, expired = rooms.create_room(
            session=s,
            deal_id=ws.deal_id,
            created_by=None,
            as_of=WEB_AS_OF - dt.timedelta(days=91),
        )
        b_item = map_service.add_item(
            session=s,
            deal_id=ws.other_deal_id,
            fields={"action": "Initech step"},
            actor="Ann Seller",
            side="seller",
        )
        s.commit()
    engine.dispose()
    return Rooms(
        ws.deal_id,
        ws.buyer_item_id,
        ws.other_deal_id,
        room_b.id,
        b_item.id,
        a,
        b,
        revoked,
        expired,
    )


@pytest.fixture(scope="module")
def buyer(live_server: str, tokens: Rooms) -> Iterator[httpx.Client]:
    """A buyer who joined room A, sending their CSRF token on every request."""
    with httpx.Client(base_url=live_server, timeout=20) as client:
        token = csrf_of(client.get(f"/room/{tokens.a}").text)
        client.headers["X-CSRF-Token"] = token
        joined = client.post(f"/room/{tokens.a}/join", data={"name": XSS, "csrf_token": token})
        assert joined.status_code == 303
        yield client


def _seller_routes(web_db: str) -> list[tuple[str, str]]:
    app = create_app(database_url=web_db, settings=Settings(secret_key="s" * 32))
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if not path or path.startswith(ROOM_PREFIXES) or path in PUBLIC:
            continue
        found += [(m, path) for m in sorted(route.methods or ()) if m != "HEAD"]
    return found


def test_buyer_of_room_a_gets_404_for_room_b(buyer: httpx.Client, tokens: Rooms) -> None:
    # Room B is addressed only by its own token: ids and near misses open nothing.
    for guess in (str(tokens.b_room_id), str(tokens.other_deal_id), tokens.b[:-2] + "xx"):
        assert buyer.get(f"/room/{guess}").status_code == 404
        assert buyer.get(f"/api/room/{guess}").status_code == 404
    # B's item cannot be reached through A's room.
    moved = buyer.patch(
        f"/api/room/{tokens.a}/items/{tokens.b_item_id}",
        json={"base_version": 1, "status": "complete"},
    )
    assert moved.status_code == 404
    said = buyer.post(
        f"/api/room/{tokens.a}/comments", json={"body": "hi", "item_id": tokens.b_item_id}
    )
    assert said.status_code == 404
    # A's guest is nobody in B, even holding B's link: B's plan cannot be changed.
    assert buyer.get(f"/api/room/{tokens.b}").json()["guest"] is None
    added = buyer.post(f"/api/room/{tokens.b}/items", json={"action": "sneak in"})
    assert added.status_code == 403


def test_buyer_gets_404_from_every_seller_page_and_api_endpoint(
    buyer: httpx.Client, tokens: Rooms, web_db: str
) -> None:
    routes = _seller_routes(web_db)
    assert len(routes) >= 10, routes  # the seller's pages and API are all enumerated
    answers = {}
    for method, path in routes:
        url = re.sub(r"\{deal_id\}", str(tokens.deal_id), path)
        url = re.sub(r"\{item_id\}", str(tokens.item_id), url)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        answers[(method, path)] = buyer.request(method, url).status_code
    assert {k: v for k, v in answers.items() if v != 404} == {}


def test_revoked_and_expired_links_get_nothing(live_server: str, tokens: Rooms) -> None:
    with httpx.Client(base_url=live_server, timeout=20) as client:
        for token in (tokens.revoked, tokens.expired):
            for path in (f"/room/{token}", f"/room/{token}/agenda.md", f"/api/room/{token}"):
                answer = client.get(path)
                assert answer.status_code == 404
                assert "Globex" not in answer.text


def test_room_pages_never_show_seller_only_fields(buyer: httpx.Client, tokens: Rooms) -> None:
    page = buyer.get(f"/room/{tokens.a}").text
    api = buyer.get(f"/api/room/{tokens.a}").text
    for text in (page, api):
        assert "INTERNAL: champion is nervous" not in text
        assert "120,000" not in text
        assert "120000" not in text
        assert "meddpicc" not in text.lower()


def test_script_payloads_in_every_text_field_come_back_escaped(
    buyer: httpx.Client, tokens: Rooms, browser: Browser, live_server: str
) -> None:
    a = tokens.a
    assert (
        buyer.post(
            f"/room/{a}/items",
            data={"action": XSS, "customer_owner": XSS, "due_date": "2026-07-01"},
        ).status_code
        == 303
    )
    assert buyer.post(f"/room/{a}/comments", data={"body": XSS}).status_code == 303
    assert buyer.post(f"/room/{a}/signoff", data={"name": XSS}).status_code == 303
    html = buyer.get(f"/room/{a}").text
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # In a real browser nothing runs: no dialog opens.
    ctx = browser.new_context(base_url=live_server)
    ctx.add_cookies(
        [{"name": c.name, "value": c.value or "", "url": live_server} for c in buyer.cookies.jar]
    )
    dialogs: list[str] = []
    page = ctx.new_page()

    def seen(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    page.goto(f"/room/{a}")
    assert page.locator(".room-guest").inner_text().strip().endswith(XSS)
    assert dialogs == []
    ctx.close()
