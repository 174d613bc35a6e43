"""Deal rooms (MAP-7, PLAT-3): `room create`, `room revoke`; `notify digest` for assignees."""

from __future__ import annotations

from typing import Annotated

import typer

from dealplan.cli.app import (
    AsOfOption,
    DbOption,
    DealRef,
    JsonOption,
    app,
    out,
    parse_as_of,
    print_json,
    show,
    table,
    workspace,
)

room_app = typer.Typer(help="Share a deal's MAP with the buyer through a room link.")
notify_app = typer.Typer(help="Email notifications: the digest of items due or overdue.")
app.add_typer(room_app, name="room")
app.add_typer(notify_app, name="notify")

ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Email of the seller sharing the room (notified of buyer changes)."),
]


@room_app.command("create")
def room_create(
    ref: DealRef,
    by: ByOption = None,
    days: Annotated[
        int | None, typer.Option("--days", help="Days the link works (default: room_days).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a room on the deal and print its link (shown once: only a hash is kept)."""
    from sqlalchemy import select

    from dealplan.clock import utcnow
    from dealplan.config import Settings
    from dealplan.deal import service as deals
    from dealplan.errors import InputError
    from dealplan.room import service as rooms
    from dealplan.user.models import User

    settings = Settings()
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        owner = None
        if by:
            owner = session.scalar(select(User).where(User.email == by))
            if owner is None:
                raise InputError(f"--by: no user with email {by!r}")
        room, token = rooms.create_room(
            session=session, deal_id=deal.id, created_by=owner, as_of=utcnow(), days=days
        )
        link = f"{settings.base_url.rstrip('/')}/room/{token}"
        data = {
            "deal_id": deal.id,
            "deal": deal.name,
            "room_id": room.id,
            "link": link,
            "expires_at": room.expires_at,
            "owner": owner.email if owner else None,
        }
    if as_json:
        print_json(data)
        return
    out.print(f"Room for {deal.name} (expires {room.expires_at:%Y-%m-%d}):", highlight=False)
    out.print(link, highlight=False, soft_wrap=True)


@room_app.command("revoke")
def room_revoke(ref: DealRef, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Revoke every open room link of the deal: buyers lose access at once."""
    from dealplan.clock import utcnow
    from dealplan.deal import service as deals
    from dealplan.room import service as rooms

    now = utcnow()
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        revoked = [
            rooms.revoke_room(session=session, room_id=r.id, as_of=now).id
            for r in rooms.rooms_of_deal(session=session, deal_id=deal.id)
            if rooms.is_open(r, now)
        ]
    if as_json:
        print_json({"deal_id": deal.id, "revoked": revoked})
        return
    out.print(f"{len(revoked)} room link(s) of {deal.name} revoked.", highlight=False)


@notify_app.command("digest")
def notify_digest(
    days: Annotated[
        int, typer.Option("--days", help="Include items due within this many days.")
    ] = 7,
    send_mail: Annotated[
        bool, typer.Option("--send/--dry-run", help="Send the mails (default) or only list them.")
    ] = True,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mail each assignee their open MAP items that are overdue or due soon."""
    from dealplan.clock import utcnow
    from dealplan.config import Settings
    from dealplan.notify.room_mail import digest, send_digest

    settings = Settings()
    day = parse_as_of(as_of, utcnow()).date()
    with workspace(db) as session:
        entries = digest(session=session, as_of=day, days=days)
    sent = send_digest(entries, as_of=day, settings=settings) if send_mail else 0
    if as_json:
        print_json({"as_of": day, "sent": sent, "assignees": [e.as_dict() for e in entries]})
        return
    rows = [
        [
            e.name,
            e.email,
            sum(i["days_overdue"] > 0 for i in e.items),
            sum(i["days_overdue"] == 0 for i in e.items),
        ]
        for e in entries
    ]
    show(table(f"MAP digest, {day:%Y-%m-%d}", ["assignee", "email", "overdue", "due soon"], rows))
    out.print(f"{sent} mail(s) sent.", highlight=False)
