"""Seller login and logout, CSRF, the session cookie and what a room guest sees (PLAT-3)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.user.models import User
from dealplan.web.app import SESSION_COOKIE, create_app
from dealplan.web.auth import hash_password
from dealplan.web.deps import current_seller
from tests.web.conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    app_routes,
    csrf_of,
    http_login,
    web_settings,
)

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def app(server_db: str, live_server: str) -> FastAPI:
    """An app like the live server's, to list its routes."""
    return create_app(database_url=server_db, settings=web_settings(live_server, None))


@pytest.fixture
def anonymous(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=10) as client:
        yield client


def _needs_seller(route: APIRoute) -> bool:
    stack = [route.dependant]
    while stack:
        dep = stack.pop()
        if dep.call is current_seller:
            return True
        stack.extend(dep.dependencies)
    return False


def _concrete(path: str) -> str:
    """The route's path with every parameter filled with 1."""
    return "/".join(
        "1" if part.startswith("{") and part.endswith("}") else part for part in path.split("/")
    )


def _routes(app: FastAPI, *, seller: bool, methods: set[str]) -> list[tuple[str, str]]:
    found = [
        (method, _concrete(r.path))
        for r in app_routes(app)
        if _needs_seller(r) == seller
        for method in sorted((r.methods or set()) & methods)
    ]
    return sorted(set(found))


def _guest_session_cookie() -> str:
    """A cookie session as a deal-room guest's browser holds it (signed with the test key)."""
    payload = base64.b64encode(json.dumps({"room_guests": {"7": "guest-token"}}).encode())
    signer = TimestampSigner(web_settings("", None).secret_key)
    return signer.sign(payload).decode()


def test_a_seller_logs_in_and_sees_the_navigation(
    page: Page, login: Callable[..., None], screenshot: Callable[[Page, str], Path]
) -> None:
    page.goto("/login")
    assert page.locator("h1").inner_text() == "Log in to dealplan"
    assert page.locator("nav.mainnav").count() == 0
    screenshot(page, "login")
    login(page)
    assert page.locator("nav.mainnav a").all_inner_texts() == [
        "Pipeline",
        "Review",
        "Forecast",
        "Accounts",
    ]
    assert page.locator(".username").inner_text() == "Admin"


def test_a_page_asked_for_before_login_opens_after_it(
    page: Page, login: Callable[..., None]
) -> None:
    page.goto("/review")
    assert page.url.endswith("/login?next=/review")
    page.fill("input[name=email]", ADMIN_EMAIL)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/review")
    assert page.locator('nav.mainnav a[aria-current="page"]').inner_text() == "Review"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    anonymous: httpx.Client,
) -> None:
    token = csrf_of(anonymous.get("/login").text)
    wrong_password = anonymous.post(
        "/login", data={"email": ADMIN_EMAIL, "password": "nope", "csrf_token": token}
    )
    unknown_email = anonymous.post(
        "/login", data={"email": "who@x.test", "password": "nope", "csrf_token": token}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert "Wrong email or password." in wrong_password.text
    assert "Wrong email or password." in unknown_email.text
    assert anonymous.get("/").status_code == 303


def test_login_never_redirects_to_another_site(anonymous: httpx.Client) -> None:
    token = csrf_of(anonymous.get("/login").text)
    answer = anonymous.post(
        "/login",
        data={
            "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD,
            "csrf_token": token,
            "next": "//evil.test/phish",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_after_logout_seller_pages_ask_for_the_login_again(seller_http: httpx.Client) -> None:
    assert seller_http.get("/").status_code == 200
    answer = seller_http.post("/logout")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    again = seller_http.get("/")
    assert again.status_code == 303
    assert again.headers["location"] == "/login?next=/"


def test_a_post_without_the_csrf_token_is_refused(anonymous: httpx.Client) -> None:
    anonymous.get("/login")
    answer = anonymous.post("/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert answer.status_code == 403
    assert "CSRF token missing" in answer.text
    assert anonymous.get("/").status_code == 303


def test_a_post_with_another_sessions_csrf_token_is_refused(live_server: str) -> None:
    with (
        httpx.Client(base_url=live_server) as victim,
        httpx.Client(base_url=live_server) as attacker,
    ):
        http_login(victim)
        attackers_token = csrf_of(attacker.get("/login").text)
        answer = victim.post("/logout", headers={"X-CSRF-Token": attackers_token})
        assert answer.status_code == 403
        assert victim.get("/").status_code == 200


def test_every_unsafe_route_refuses_a_logged_in_seller_without_the_token(
    app: FastAPI, live_server: str
) -> None:
    routes = _routes(app, seller=True, methods=UNSAFE) + _routes(app, seller=False, methods=UNSAFE)
    assert ("POST", "/logout") in routes
    with httpx.Client(base_url=live_server, timeout=10) as client:
        http_login(client)
        client.headers.pop("X-CSRF-Token")
        refused = {(m, p): client.request(m, p, json={}).status_code for m, p in routes}
    assert refused == dict.fromkeys(routes, 403)


def test_the_session_cookie_is_http_only_and_same_site(anonymous: httpx.Client) -> None:
    token = csrf_of(anonymous.get("/login").text)
    answer = anonymous.post(
        "/login", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "csrf_token": token}
    )
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags


def test_the_session_cookie_is_secure_when_the_app_is_served_over_https(server_db: str) -> None:
    app = create_app(database_url=server_db, settings=web_settings("https://deals.example", None))
    with TestClient(app, base_url="https://deals.example") as client:
        cookie = client.get("/login").headers["set-cookie"]
    assert "secure" in {f.strip().lower() for f in cookie.split(";")[1:]}


def test_a_room_guest_gets_404_for_every_seller_page_and_api_endpoint(
    app: FastAPI, live_server: str
) -> None:
    routes = _routes(app, seller=True, methods={"GET"})
    assert ("GET", "/") in routes
    guest_cookies = [
        {SESSION_COOKIE: _guest_session_cookie()},
        {"dealplan_room_guest": "anything"},
    ]
    for cookies in guest_cookies:
        with httpx.Client(base_url=live_server, cookies=cookies, timeout=10) as guest:
            answers = {path: guest.get(path) for _, path in routes}
        assert {p: a.status_code for p, a in answers.items()} == dict.fromkeys(answers, 404)
        assert not any("/login" in a.headers.get("location", "") for a in answers.values())
        assert not any("Pipeline" in a.text for a in answers.values())


def test_without_login_pages_redirect_to_login_and_the_api_answers_404(
    app: FastAPI, anonymous: httpx.Client
) -> None:
    routes = _routes(app, seller=True, methods={"GET"})
    api = [p for _, p in routes if p.startswith("/api/")]
    pages = [p for _, p in routes if not p.startswith("/api/")]
    assert pages
    assert {p: anonymous.get(p).status_code for p in api} == dict.fromkeys(api, 404)
    locations = {p: anonymous.get(p).headers.get("location") for p in pages}
    assert all(loc is not None and loc.startswith("/login?next=") for loc in locations.values())


def test_a_name_with_markup_shows_as_text_in_the_layout(server_db: str, live_server: str) -> None:
    engine = make_engine(server_db)
    with session_factory(engine).begin() as session:
        _add_seller(session, "mallory@x.test", SCRIPT)
    engine.dispose()
    with httpx.Client(base_url=live_server, timeout=10) as client:
        http_login(client, "mallory@x.test", "pw-mallory")
        html = client.get("/").text
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html


def _add_seller(session: Session, email: str, name: str) -> None:
    session.add(
        User(email=email, name=name, role="seller", password_hash=hash_password("pw-mallory"))
    )
