"""Web test fixtures shared by every web test: workspaces, a live server, a browser, mail.

- `web_db` (per module): a fresh migrated workspace URL, SQLite unless the module asks for
  PostgreSQL too with `@pytest.mark.parametrize("web_db", BACKENDS, indirect=True)`.
- `demo_web_db` (per module): the demo workspace (seed 11, as of `WEB_AS_OF`), same backends.
- `server_db` (per module): the workspace `live_server` serves: `web_db` unless a module
  overrides this fixture (e.g. to return `demo_web_db`).
- `live_server` (per module): uvicorn in a thread on 127.0.0.1 and a free port serving
  `create_app` with the clock fixed at `WEB_AS_OF`, the admin `ADMIN_EMAIL`/`ADMIN_PASSWORD`,
  and mail going to `smtp_server`; yields the base URL.
- `browser` (per session): Chromium; `new_context()` / `page` (per test), `login(page)`,
  `screenshot(page, name)` (docs/screenshots/web-<name>.png, full page, 1280 wide).
- `seller_http`: an httpx client logged in as the admin, sending the CSRF header.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from dealplan.config import Settings
from dealplan.database import make_engine, session_factory
from dealplan.web.app import create_app
from dealplan.web.auth import ADMIN_EMAIL, ensure_admin
from tests import pg_server
from tests.conftest import _counter, _new_pg, _new_sqlite

__all__ = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "WEB_AS_OF", "app_routes", "csrf_of", "http_login"]

WEB_AS_OF = dt.datetime(2026, 6, 30, 17, 30)
DEMO_SEED = 11
ADMIN_PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def app_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route of the app, routers included (FastAPI includes routers lazily)."""
    return [rc.route for rc in iter_route_contexts(app.routes) if isinstance(rc.route, APIRoute)]


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its <meta name="csrf-token">."""
    found = _CSRF_META.search(html)
    assert found, "the page has no csrf-token meta"
    return found.group(1)


# --- workspaces ---------------------------------------------------------------------------


def _fresh(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    if backend == "sqlite":
        return _new_sqlite(request.getfixturevalue("sqlite_template"), folder)
    if backend == "postgresql":
        return _new_pg(request.getfixturevalue("pg"))
    raise ValueError(f"unknown test database {backend!r}")


@pytest.fixture(scope="module")
def web_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh, migrated, empty workspace for the module (SQLite unless parametrised)."""
    return _fresh(getattr(request, "param", "sqlite"), request, tmp_path_factory.mktemp("web"))


def _build_demo(url: str) -> None:
    from dealplan.demo import build_demo

    engine = make_engine(url)
    with session_factory(engine)() as session:
        build_demo(session=session, seed=DEMO_SEED, as_of=WEB_AS_OF)
        session.commit()
    if url.startswith("sqlite"):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def _demo_templates(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """The demo built once per backend and session; returns a maker of fresh copies."""
    built: dict[str, str] = {}

    def copy(backend: str) -> str:
        if backend not in built:
            url = _fresh(backend, request, tmp_path_factory.mktemp("demo"))
            _build_demo(url)
            built[backend] = url
        source = built[backend]
        if backend == "sqlite":
            target = tmp_path_factory.mktemp("demo") / f"demo{next(_counter)}.db"
            shutil.copy(source.removeprefix("sqlite:///"), target)
            return f"sqlite:///{target}"
        server: pg_server.PgServer = request.getfixturevalue("pg")
        name = f"demo_{os.getpid()}_{next(_counter)}"
        template = source.rsplit("/", 1)[1]
        engine = sa.create_engine(server.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        engine.dispose()
        return server.url_for(name)

    return copy


@pytest.fixture(scope="module")
def demo_web_db(request: pytest.FixtureRequest, _demo_templates: Callable[[str], str]) -> str:
    """A fresh copy of the demo workspace for the module (SQLite unless parametrised)."""
    return _demo_templates(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="module")
def server_db(web_db: str) -> str:
    """The workspace `live_server` serves; override in a module to serve another one."""
    return web_db


# --- mail ---------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """Messages received by the test SMTP server, in arrival order."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Message]:
        """Wait until `count` messages arrived (fails the test after `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.messages) >= count, f"{len(self.messages)} messages, wanted {count}"
        return self.messages

    def clear(self) -> None:
        self.messages.clear()
        self.envelopes.clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpSink]:
    """An SMTP server on 127.0.0.1 collecting every message (the live server mails it)."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", _free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


# --- live server --------------------------------------------------------------------------


def web_settings(base_url: str, smtp: SmtpSink | None) -> Settings:
    """Settings for a test server: fixed secret, its own base URL, mail to the test sink."""
    return Settings(
        secret_key="test-secret-key-for-signing-cookies",
        base_url=base_url,
        smtp_host=smtp.host if smtp else "",
        smtp_port=smtp.port if smtp else 25,
        smtp_from="dealplan@test.local",
        smtp_starttls=False,
        admin_password=ADMIN_PASSWORD,
    )


@dataclass
class RunningServer:
    server: uvicorn.Server
    thread: threading.Thread
    base_url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(app_for: Callable[[str], Any]) -> RunningServer:
    """Serve `app_for(base_url)` with uvicorn in a thread on a free loopback port."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(app_for(base_url), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive(), "the web server stopped while starting"
        assert time.monotonic() < deadline, "the web server did not start in 15 s"
        time.sleep(0.01)
    return RunningServer(server, thread, base_url)


@pytest.fixture(scope="module")
def live_server(server_db: str, smtp_server: SmtpSink) -> Iterator[str]:
    """The app serving `server_db` on 127.0.0.1 (clock fixed at WEB_AS_OF); the base URL."""
    engine = make_engine(server_db)
    with session_factory(engine).begin() as session:
        ensure_admin(session=session, password=ADMIN_PASSWORD)
    engine.dispose()

    def app_for(base_url: str) -> Any:
        settings = web_settings(base_url, smtp_server)
        return create_app(database_url=server_db, settings=settings, clock=lambda: WEB_AS_OF)

    running = start_server(app_for)
    yield running.base_url
    running.stop()


# --- browser ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (the system's) for the whole session."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser: Browser, live_server: str) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context (its own cookies: one person) on the live server."""
    made: list[BrowserContext] = []

    def make(**kwargs: Any) -> BrowserContext:
        options: dict[str, Any] = {
            "base_url": live_server,
            "viewport": {"width": 1280, "height": 800},
        }
        context = browser.new_context(**(options | kwargs))
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh context: nobody logged in."""
    return new_context().new_page()


@pytest.fixture
def login() -> Callable[..., None]:
    """`login(page)` logs the page's context in as the admin (or `email`, `password`)."""

    def do(page: Page, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)

    return do


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """`screenshot(page, name)` writes docs/screenshots/web-<name>.png (full page, 1280 wide)."""

    def take(page: Page, name: str) -> Path:
        size = page.viewport_size or {"height": 800}
        page.set_viewport_size({"width": 1280, "height": size["height"]})
        path = SCREENSHOTS / f"web-{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# --- HTTP ---------------------------------------------------------------------------------


def http_login(
    client: httpx.Client, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD
) -> None:
    """Log `client` in and make it send the session's CSRF token on every request."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    client.headers["X-CSRF-Token"] = answer.headers["X-CSRF-Token"]


@pytest.fixture
def seller_http(live_server: str) -> Iterator[httpx.Client]:
    """An httpx client logged in as the admin, with the CSRF header set."""
    with httpx.Client(base_url=live_server, timeout=10) as client:
        http_login(client)
        yield client
