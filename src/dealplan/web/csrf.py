"""CSRF protection for every unsafe request, seller pages and deal rooms alike.

The token lives in the signed cookie session; a form sends it as `csrf_token`, HTMX and API
clients as the `X-CSRF-Token` header (base layouts put it in `hx-headers` on <body>).
A missing or wrong token answers 403 before the handler runs.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException, Request

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


async def _sent_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(_FORM_TYPES):
        value = (await request.form()).get(FORM_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuse an unsafe request whose token is not the session's."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(SESSION_KEY)
    sent = await _sent_token(request)
    if not isinstance(expected, str) or not expected or not sent:
        raise HTTPException(403, "CSRF token missing: reload the page and try again")
    if not hmac.compare_digest(expected.encode(), sent.encode()):
        raise HTTPException(403, "CSRF token wrong: reload the page and try again")
