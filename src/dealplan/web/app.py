"""The FastAPI application: workspace engine, sessions, CSRF, static files and every router."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Connection, Engine, event
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dealplan.clock import utcnow
from dealplan.config import Settings, database_url_from
from dealplan.database import make_engine, migrate, session_factory
from dealplan.errors import DealplanError, NotFoundError
from dealplan.notify.outbox import Outbox
from dealplan.web import deps, login_pages
from dealplan.web.auth import secret_key
from dealplan.web.csrf import csrf_protect
from dealplan.web.templating import STATIC_DIR, templates

SESSION_COOKIE = "dealplan_session"
# Routers included when their module exists (each is owned by its own part of the app).
ROUTER_MODULES = (
    "dealplan.web.seller_pages",
    "dealplan.web.seller_api",
    "dealplan.web.room_pages",
    "dealplan.web.room_api",
    "dealplan.web.room_partials",
)
# Raised by MAP edits when the editor's version is stale (PLAT-4), answered with 409.
CONFLICT_ERRORS = ("dealplan.plan.map_service:ConflictError",)


def create_app(
    *,
    database_url: str | None = None,
    settings: Settings | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> FastAPI:
    """The web app over the workspace at `database_url` (default: the settings' database).

    `clock` gives "now" to every request (`AsOfDep`); tests pass a fixed one.
    """
    settings = settings or Settings()
    url = database_url_from(database_url, settings)
    engine = make_engine(url)
    migrate(engine)
    if engine.dialect.name == "sqlite":
        engine.dispose()  # connections opened from here on get the listeners
        _sqlite_write_locks(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        secret = secret_key(session=session, configured=settings.secret_key)

    app = FastAPI(
        title="dealplan",
        summary="Seller workspace and buyer deal rooms: deals, MAPs, health, forecast.",
        version=_version(),
        dependencies=[Depends(csrf_protect)],
        docs_url="/api/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=_lifespan,
    )
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.write_sessions = session_factory(
        engine.execution_options(**{deps.WRITE_OPTION: True})
    )
    app.state.settings = settings
    app.state.clock = clock or utcnow
    app.state.write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
    app.state.outbox = Outbox(settings)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=14 * 24 * 3600,
        same_site="lax",
        https_only=settings.base_url.startswith("https://"),
    )
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(login_pages.router)
    for name in ROUTER_MODULES:
        module = _optional(name)
        if module is not None:
            app.include_router(module.router)
    _add_handlers(app)

    app.add_middleware(SecurityHeaders)
    return app


# Sent with every response unless the handler set its own.
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
)


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every HTTP response that lacks them.

    Plain ASGI rather than `@app.middleware("http")`: that wrapper runs each request
    through an extra task and memory streams, a fixed cost on every request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _sqlite_write_locks(engine: Engine) -> None:
    """SQLite: a request that writes takes the write lock when it starts (BEGIN IMMEDIATE).

    With deferred transactions two concurrent writers that both read first fail at once
    with "database is locked" (a read snapshot cannot be upgraded after another commit);
    taken up front, the lock is waited for (busy timeout) instead. Reads stay deferred.
    """

    @event.listens_for(engine, "connect")
    def _manual(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(deps.WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.outbox.close()
    app.state.engine.dispose()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dealplan")
    except PackageNotFoundError:
        return "0"


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def _add_handlers(app: FastAPI) -> None:
    app.add_exception_handler(deps.LoginRequiredError, deps.login_redirect)
    for ref in CONFLICT_ERRORS:
        module_name, _, cls_name = ref.partition(":")
        module = _optional(module_name)
        if module is not None and hasattr(module, cls_name):
            app.add_exception_handler(getattr(module, cls_name), deps.handle_conflict)

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(request, 404, str(exc) or "Not Found")

    async def user_error(request: Request, exc: Exception) -> Response:
        return _error(request, 400, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return _error(request, exc.status_code, str(exc.detail), exc.headers)

    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(DealplanError, user_error)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _error(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """JSON for the API and JSON clients, a small page for browsers; the same words."""
    if deps.wants_json(request) or request.headers.get("HX-Request"):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    if status == 404:
        message = "There is nothing here."
    return HTMLResponse(
        templates.get_template("error.html").render(
            request=request, status=status, message=message, current_user=None
        ),
        status_code=status,
        headers=headers,
    )
