"""/login and /logout: the seller's cookie session (PLAT-3)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dealplan.web.auth import authenticate
from dealplan.web.csrf import csrf_token
from dealplan.web.deps import USER_ID, USER_NAME, SessionDep, seller_from_session
from dealplan.web.templating import templates

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a local path is followed after login: never another site (open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: SessionDep, next: str = "/") -> Response:
    if seller_from_session(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return templates.TemplateResponse(
        request, "login.html", {"next": safe_next(next), "error": None, "email": ""}
    )


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = authenticate(session=session, email=email, password=password)
    if user is None:
        context = {"next": safe_next(next), "error": "Wrong email or password.", "email": email}
        return templates.TemplateResponse(request, "login.html", context, status_code=401)
    # A fresh session on login: nothing from before (a guest's cookie data, an old token) stays.
    request.session.clear()
    request.session[USER_ID] = user.id
    request.session[USER_NAME] = user.name
    # API clients read the new session's token here (pages get it in their <meta>).
    headers = {"X-CSRF-Token": csrf_token(request)}
    return RedirectResponse(safe_next(next), status_code=303, headers=headers)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
