"""Request dependencies: the database session, the logged-in seller, and conflict answers.

- `SessionDep`: one SQLAlchemy session per request, committed when the handler returns and
  rolled back on error. Changes are recorded in history as by the logged-in user's name
  (wrap writes in `recording(session, actor=...)` to name someone else, e.g. a buyer guest).
- `SellerDep`: the logged-in seller. Without one, a request that carries a deal-room guest
  cookie or targets /api/ gets 404 (a buyer never learns seller pages exist); a page request
  is redirected to /login?next=....
- `after_commit(session, hook)`: run `hook` after the request's commit (e.g. queue a mail).
- `AsOfDep`: the request's "now" from the app's clock (tests fix it; pass it on as `as_of`).
- `conflict_response` / `handle_conflict`: a stale edit answers 409 saying what changed (PLAT-4).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Annotated, Any, ParamSpec, TypeVar
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from dealplan.history.service import recording
from dealplan.user.models import User
from dealplan.web.auth import SELLER_ROLES

P = ParamSpec("P")
R = TypeVar("R")
# Session keys of the seller login.
USER_ID = "user_id"
USER_NAME = "user_name"
# A deal-room guest is recognised by a cookie whose name starts with this, or by a key of the
# cookie session starting with "room" (W2's room pages set one of them).
ROOM_COOKIE_PREFIX = "dealplan_room"
ROOM_SESSION_PREFIX = "room"
# Execution option of the engine bound to writing requests' sessions (app.state.write_sessions):
# their transactions begin as writers (see app._sqlite_write_locks).
WRITE_OPTION = "dealplan_write"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# session.info key of the hooks `after_commit` queues.
AFTER_COMMIT = "dealplan_after_commit"


async def write_gate(request: Request) -> AsyncIterator[None]:
    """On SQLite, one writing request at a time, waited for on the event loop.

    SQLite has one writer; requests queuing for its lock inside worker threads can take every
    thread while the lock holder waits for one to commit. Queuing here costs no thread.
    """
    lock: asyncio.Lock | None = getattr(request.app.state, "write_lock", None)
    if lock is None or request.method not in UNSAFE_METHODS:
        yield
        return
    async with lock:
        yield


async def get_session(
    request: Request, _gate: Annotated[None, Depends(write_gate, scope="function")]
) -> AsyncIterator[Session]:
    """One session per request: commit after the handler, roll back on error.

    A POST/PUT/PATCH/DELETE gets a session whose transaction starts as a writer (on SQLite:
    BEGIN IMMEDIATE, so concurrent writers queue instead of failing). Opening the session
    does no I/O (the transaction begins at the handler's first statement, in its worker
    thread), so only the commit (or rollback) takes a trip to a worker thread: an async
    dependency costs one such trip where a sync generator costs two.
    """
    state = request.app.state
    factory = state.write_sessions if request.method in UNSAFE_METHODS else state.sessions
    actor = request.session.get(USER_NAME) or "web"
    session: Session = factory()
    with recording(session, actor=str(actor)):
        try:
            yield session
        except BaseException:
            await run_in_threadpool(_finish, session, False)
            raise
        if session.in_transaction():
            await run_in_threadpool(_finish, session, True)
        else:  # committed with the handler (`commits`): closing does no I/O
            session.close()
    for hook in session.info.pop(AFTER_COMMIT, ()):
        hook()


def _finish(session: Session, commit: bool) -> None:
    """Commit (or roll back) and close the request's session: one worker-thread trip."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


def commits(handler: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run a sync handler and commit the request's session (its `session` argument) in one
    trip to a worker thread.

    The same commit `get_session` would make, without more trips: a plain sync handler costs
    one for itself, one for the commit and one for checking its answer against the response
    model; wrapped, the handler is async to FastAPI, so the answer is checked on the event
    loop. For the busiest writing endpoints (a buyer saving a MAP item). An exception from the
    handler or the commit rolls back as usual.
    """

    @functools.wraps(handler)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        def handle_and_commit() -> R:
            result = handler(*args, **kwargs)
            session = kwargs.get("session")
            if isinstance(session, Session):
                session.commit()
            return result

        return await run_in_threadpool(handle_and_commit)

    return run


def after_commit(session: Session, hook: Callable[[], None]) -> None:
    """Run `hook` once the request's transaction has committed (never when it rolls back)."""
    session.info.setdefault(AFTER_COMMIT, []).append(hook)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_as_of(request: Request) -> dt.datetime:
    """The request's "now" (naive UTC) from the app's clock: fixed in tests, real in serve."""
    now: dt.datetime = request.app.state.clock()
    return now


AsOfDep = Annotated[dt.datetime, Depends(get_as_of)]


def carries_room_guest(request: Request) -> bool:
    """True when the request comes from a deal-room guest (buyer) browser."""
    if any(name.startswith(ROOM_COOKIE_PREFIX) for name in request.cookies):
        return True
    return any(str(k).startswith(ROOM_SESSION_PREFIX) for k in request.session)


class LoginRequiredError(Exception):
    """Raised for a page that needs a seller; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def login_redirect(request: Request, exc: Exception) -> Response:
    nxt = exc.next_url if isinstance(exc, LoginRequiredError) else "/"
    location = f"/login?next={quote(nxt, safe='/')}"
    if request.headers.get("HX-Request"):
        return Response(status_code=200, headers={"HX-Redirect": location})
    return Response(status_code=303, headers={"Location": location})


def seller_from_session(request: Request, session: Session) -> User | None:
    """The logged-in seller of this request, or None."""
    user_id = request.session.get(USER_ID)
    if not isinstance(user_id, int):
        return None
    user = session.get(User, user_id)
    if user is None or user.role not in SELLER_ROLES:
        return None
    return user


def current_seller(request: Request, session: SessionDep) -> User:
    """The logged-in seller; 404 for room guests and the API, else a redirect to log in."""
    user = seller_from_session(request, session)
    if user is not None:
        request.state.user = user
        return user
    if carries_room_guest(request) or request.url.path.startswith("/api/"):
        raise HTTPException(404, "Not Found")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginRequiredError(target)


SellerDep = Annotated[User, Depends(current_seller)]


def wants_json(request: Request) -> bool:
    """API paths and clients asking for JSON get JSON; pages and HTMX get HTML."""
    if request.url.path.startswith("/api/") or "/api/" in request.url.path:
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def conflict_response(
    request: Request,
    *,
    message: str,
    current: Mapping[str, Any] | None = None,
    changed: Sequence[str] = (),
) -> Response:
    """HTTP 409 for a stale edit: what changed since the version the editor started from.

    JSON: {"detail", "changed": [field...], "current": {...}}; HTML: a conflict message
    (templates/conflict.html) that HTMX swaps in place of the edited element.
    """
    data = dict(current or {})
    if wants_json(request):
        body = {"detail": message, "changed": list(changed), "current": data}
        return JSONResponse(body, status_code=409, headers={"X-Conflict": "1"})
    from dealplan.web.templating import templates

    return templates.TemplateResponse(
        request,
        "conflict.html",
        {"message": message, "changed": list(changed), "current": data},
        status_code=409,
    )


def handle_conflict(request: Request, exc: Exception) -> Response:
    """Exception handler for a ConflictError: reads `current` and `changed` when it has them."""
    current = getattr(exc, "current", None)
    if current is not None and not isinstance(current, Mapping):
        current = _as_mapping(current)
    changed = getattr(exc, "changed", None) or getattr(exc, "changed_fields", None) or ()
    return conflict_response(
        request,
        message=str(exc) or "Someone changed this first",
        current=current,
        changed=[str(c) for c in changed],
    )


def _as_mapping(obj: Any) -> dict[str, Any]:
    if hasattr(obj, "model_dump"):
        return dict(obj.model_dump(mode="json"))
    from dealplan.history.service import column_values

    try:
        return {k: _plain(v) for k, v in column_values(obj).items()}
    except Exception:  # not a mapped record: show nothing rather than fail the 409
        return {}


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
