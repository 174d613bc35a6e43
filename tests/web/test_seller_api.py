"""The seller REST API against a live server on the demo workspace (clock at WEB_AS_OF)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from dealplan.database import make_engine, session_factory
from dealplan.models import GateOverride, HistoryEntry
from tests.web.seller_helpers import deal_with_refused_gate

ENDPOINTS = [
    "/api/deals",
    "/api/deals/{id}",
    "/api/deals/{id}/health",
    "/api/deals/{id}/map/items",
    "/api/review",
    "/api/forecast",
]


@pytest.fixture(scope="module")
def server_db(demo_web_db: str) -> str:
    return demo_web_db


@pytest.fixture(scope="module")
def refused(server_db: str) -> tuple[int, str, list[str]]:
    return deal_with_refused_gate(server_db)


def test_deals_come_ranked_riskiest_first_with_level_and_reasons(
    seller_http: httpx.Client,
) -> None:
    deals = seller_http.get("/api/deals").json()
    assert deals
    rank = {"dead": 0, "red": 1, "yellow": 2, "green": 3}
    keys = [rank[d["level"]] for d in deals]
    assert keys == sorted(keys)
    assert all(d["reasons"] for d in deals if d["level"] != "green")
    commit = seller_http.get("/api/deals", params={"category": "commit"}).json()
    assert commit
    assert all(d["forecast_category"] == "commit" for d in commit)
    assert len(commit) < len(deals)


def test_api_without_a_seller_session_is_404_not_a_login_page(
    live_server: str, refused: tuple[int, str, list[str]]
) -> None:
    with httpx.Client(base_url=live_server) as anonymous:
        for path in ENDPOINTS:
            answer = anonymous.get(path.format(id=refused[0]))
            assert answer.status_code == 404, path


def test_stage_change_refused_by_the_gate_lists_unmet_criteria_then_override_is_recorded(
    seller_http: httpx.Client, server_db: str, refused: tuple[int, str, list[str]]
) -> None:
    deal_id, target, unmet = refused
    answer = seller_http.post(f"/api/deals/{deal_id}/stage", json={"stage": target})
    assert answer.status_code == 422
    body = answer.json()
    assert body["moved"] is False
    assert [c["label"] for c in body["gate"]["checks"] if not c["met"]] == unmet
    blank = seller_http.post(
        f"/api/deals/{deal_id}/stage", json={"stage": target, "override": "  "}
    )
    assert blank.status_code == 400
    assert "reason" in blank.json()["detail"]
    moved = seller_http.post(
        f"/api/deals/{deal_id}/stage",
        json={"stage": target, "override": "EB agreed verbally on the call"},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["moved"] is True
    assert moved.json()["overridden"] is True
    assert seller_http.get(f"/api/deals/{deal_id}").json()["deal"]["stage"] == target
    engine = make_engine(server_db)
    with session_factory(engine)() as session:
        row = session.scalars(select(GateOverride).where(GateOverride.deal_id == deal_id)).one()
        assert row.reason == "EB agreed verbally on the call"
        assert row.to_stage == target
        assert row.actor == "Admin"
    engine.dispose()


def test_meddpicc_update_is_validated_dated_and_recorded_as_the_seller(
    seller_http: httpx.Client, server_db: str, refused: tuple[int, str, list[str]]
) -> None:
    deal_id = refused[0]
    answer = seller_http.patch(
        f"/api/deals/{deal_id}/meddpicc/metrics",
        json={"status": "validated", "value": "Save $1,234,567 a year", "evidence": "CFO email"},
    )
    assert answer.status_code == 200, answer.text
    element = answer.json()
    assert element["status"] == "validated"
    assert element["value"] == "Save $1,234,567 a year"
    assert element["validated_on"] == "2026-06-30"
    bad = seller_http.patch(f"/api/deals/{deal_id}/meddpicc/metrics", json={"status": "sure"})
    assert bad.status_code == 400
    unknown = seller_http.patch(f"/api/deals/{deal_id}/meddpicc/budget", json={"value": "x"})
    assert unknown.status_code == 400
    engine = make_engine(server_db)
    with session_factory(engine)() as session:
        actors = set(
            session.scalars(
                select(HistoryEntry.actor)
                .where(HistoryEntry.entity == "meddpicc", HistoryEntry.field == "value")
                .where(HistoryEntry.new.contains("1,234,567"))
            )
        )
    engine.dispose()
    assert actors == {"Admin"}


def test_map_item_edit_with_a_stale_version_gets_409_saying_what_changed(
    seller_http: httpx.Client, refused: tuple[int, str, list[str]]
) -> None:
    deal_id = refused[0]
    added = seller_http.post(
        f"/api/deals/{deal_id}/map/items",
        json={"action": "Security review with IT", "side": "buyer", "due_date": "2026-07-15"},
    )
    assert added.status_code == 201, added.text
    item = added.json()
    assert item["version"] == 1
    assert item["status"] == "not_started"
    first = seller_http.patch(
        f"/api/deals/{deal_id}/map/items/{item['id']}",
        json={"base_version": 1, "status": "in_progress"},
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2
    stale = seller_http.patch(
        f"/api/deals/{deal_id}/map/items/{item['id']}",
        json={"base_version": 1, "due_date": "2026-07-20"},
    )
    assert stale.status_code == 409
    assert "status" in stale.json()["changed"]
    items = seller_http.get(f"/api/deals/{deal_id}/map/items").json()
    now = next(i for i in items if i["id"] == item["id"])
    assert now["due_date"] == "2026-07-15"
    assert now["status"] == "in_progress"


def test_review_and_forecast_answer_with_their_models(seller_http: httpx.Client) -> None:
    review = seller_http.get("/api/review").json()
    assert review["actions"]
    assert all(a["playbook"] for a in review["actions"])
    forecast = seller_http.get("/api/forecast", params={"quarter": "Q3"}).json()
    assert forecast["period"] == "2026-Q3"
    assert forecast["p10"] <= forecast["p50"] <= forecast["p90"]
    bad = seller_http.get("/api/forecast", params={"quarter": "Q5"})
    assert bad.status_code == 400


def test_openapi_documents_the_seller_endpoints(seller_http: httpx.Client) -> None:
    spec = seller_http.get("/openapi.json").json()
    paths = spec["paths"]
    assert "/api/deals/{deal_id}/stage" in paths
    assert "/api/deals/{deal_id}/map/items/{item_id}" in paths
    assert "StageChangeOut" in spec["components"]["schemas"]
    assert "/deals/{deal_id}" not in paths  # pages stay out of the API description
