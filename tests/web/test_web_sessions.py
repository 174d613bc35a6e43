"""Sessions and stale edits on both databases: logins survive restarts, no lost updates (PLAT-4)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dealplan.database import make_engine, session_factory
from dealplan.deal.models import Deal
from dealplan.history.models import HistoryEntry
from dealplan.web.app import create_app
from tests.conftest import BACKENDS
from tests.web.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, csrf_of, http_login, web_settings

pytestmark = pytest.mark.parametrize("web_db", BACKENDS, indirect=True)


@pytest.fixture(scope="module")
def deal_id(web_db: str) -> int:
    engine = make_engine(web_db)
    with session_factory(engine).begin() as session:
        deal = Deal(name="Acme — platform rollout", stage="Discovery", amount=120_000)
        session.add(deal)
        session.flush()
        found = deal.id
    engine.dispose()
    return found


def _login(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_a_login_survives_a_restart_of_the_server(web_db: str, live_server: str) -> None:
    no_secret = web_settings("http://127.0.0.1:8000", None).model_copy(update={"secret_key": ""})
    with TestClient(create_app(database_url=web_db, settings=no_secret)) as first:
        _login(first)
        cookies = dict(first.cookies)
    with TestClient(create_app(database_url=web_db, settings=no_secret)) as second:
        second.cookies.update(cookies)
        answer = second.get("/login", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_the_second_of_two_sellers_editing_one_map_item_is_told_what_changed(
    live_server: str, web_db: str, deal_id: int
) -> None:
    with (
        httpx.Client(base_url=live_server, timeout=10) as first,
        httpx.Client(base_url=live_server, timeout=10) as second,
    ):
        http_login(first)
        http_login(second)
        made = first.post(
            f"/api/deals/{deal_id}/map/items",
            json={"action": "Security review", "side": "buyer", "status": "not_started"},
        )
        assert made.status_code == 201, made.text
        item = made.json()
        url = f"/api/deals/{deal_id}/map/items/{item['id']}"
        base = item["version"]
        done = first.patch(url, json={"status": "complete", "base_version": base})
        stale = second.patch(url, json={"status": "blocked", "base_version": base})
        assert done.status_code == 200, done.text
        assert stale.status_code == 409
        body = stale.json()
        assert sorted(body["changed"]) == ["completed_at", "status"]
        assert body["current"]["status"] == "complete"
        assert "changed since you opened it" in body["detail"]
        after = {i["id"]: i for i in first.get(f"/api/deals/{deal_id}/map/items").json()}
    assert after[item["id"]]["status"] == "complete"
    assert after[item["id"]]["version"] == base + 1
    engine = make_engine(web_db)
    with session_factory(engine)() as session:
        actors = session.scalars(
            select(HistoryEntry.actor).where(
                HistoryEntry.entity == "map_item",
                HistoryEntry.entity_id == item["id"],
                HistoryEntry.field == "status",
            )
        ).all()
    engine.dispose()
    assert actors == ["Admin"]
