"""`dealplan serve`: the web app (seller pages, deal rooms, REST API) on a local port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealplan.cli.app import DbOption, JsonOption, app, out, print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from dealplan.config import Settings


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Serve the web app: builds the demo into an empty workspace, ensures the admin login."""
    import uvicorn

    from dealplan.config import Settings, database_url_from
    from dealplan.web.app import create_app

    settings = Settings()
    if port != 8000 or host != "127.0.0.1":
        default = Settings.model_fields["base_url"].default
        if settings.base_url == default:
            shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
            settings = settings.model_copy(update={"base_url": f"http://{shown}:{port}"})
    url = database_url_from(db, settings)
    info = prepare(url=url, settings=settings)
    if as_json:
        print_json(info)
    else:
        _render(info)
    uvicorn.run(
        create_app(database_url=url, settings=settings),
        host=host,
        port=port,
        log_level="warning",
        server_header=False,
    )


def prepare(*, url: str, settings: Settings) -> dict[str, Any]:
    """Make the workspace at `url` ready to serve; returns what to tell the person starting it.

    Builds the demo when the workspace holds no deals, ensures the admin user, and opens a
    buyer room on the demo's showcase deal when the demo workspace has no open room yet.
    """
    from sqlalchemy import func, select

    from dealplan.clock import utcnow
    from dealplan.database import open_workspace
    from dealplan.deal.models import Deal
    from dealplan.web.auth import ensure_admin

    now = utcnow()
    base = settings.base_url.rstrip("/")
    with open_workspace(url) as session:
        built = not session.scalar(select(func.count()).select_from(Deal))
        if built:
            from dealplan.demo import build_demo

            build_demo(session=session, seed=42, as_of=now)
        admin = ensure_admin(session=session, password=settings.admin_password)
        room = _demo_room(session, admin_id=admin.user_id, base=base, as_of=now)
    return {
        "url": base + "/",
        "login": admin.email,
        "password": admin.generated_password,
        "password_from": "generated"
        if admin.generated_password
        else ("DEALPLAN_ADMIN_PASSWORD" if settings.admin_password else "unchanged"),
        "demo_built": built,
        "room": room,
        "api_docs": base + "/api/docs",
    }


def _demo_room(session: Session, *, admin_id: int, base: str, as_of: Any) -> dict[str, Any] | None:
    """A buyer room on the demo deal with the most MAP items, unless one is open already."""
    try:
        from dealplan.room.service import create_room, open_room_of_deal
    except ImportError:
        return None
    from sqlalchemy import func, select

    from dealplan.deal.models import Deal
    from dealplan.demo.service import DEMO_SETTING
    from dealplan.plan.models import MapItem
    from dealplan.workspace.service import get_setting

    if get_setting(session=session, key=DEMO_SETTING) is None:
        return None
    items = func.count(MapItem.id)
    row = session.execute(
        select(Deal.id, Deal.name)
        .join(MapItem, MapItem.deal_id == Deal.id)
        .where(Deal.outcome == "open")
        .group_by(Deal.id, Deal.name)
        .order_by(items.desc(), Deal.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    if open_room_of_deal(session=session, deal_id=row.id, as_of=as_of) is not None:
        return {"deal_id": row.id, "deal": row.name, "link": None}
    _room, token = create_room(session=session, deal_id=row.id, created_by=admin_id, as_of=as_of)
    return {"deal_id": row.id, "deal": row.name, "link": f"{base}/room/{token}"}


def _render(info: dict[str, Any]) -> None:
    if info["demo_built"]:
        out.print("The workspace had no deals: built the demo workspace.", highlight=False)
    out.print(f"Seller app:  {info['url']}", highlight=False)
    if info["password"]:
        out.print(
            f"Log in:      {info['login']} / {info['password']}  (shown once: note it, or set "
            "DEALPLAN_ADMIN_PASSWORD)",
            highlight=False,
        )
    else:
        out.print(f"Log in:      {info['login']} (password unchanged)", highlight=False)
    room = info["room"]
    if room and room["link"]:
        out.print(f"Buyer room:  {room['link']}  ({room['deal']})", highlight=False)
    elif room:
        out.print(
            f"Buyer room:  already open on {room['deal']}; a new link: "
            f"dealplan room create {room['deal_id']}",
            highlight=False,
        )
    out.print(f"REST API:    {info['api_docs']}", highlight=False)
    out.print("Press Ctrl-C to stop.", highlight=False)
