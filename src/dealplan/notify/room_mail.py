"""What the room mails: the owner's notice of a buyer change, and the due-items digest (MAP-7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from dealplan.config import Settings
from dealplan.contact.models import Contact
from dealplan.deal.models import Deal
from dealplan.enums import ItemStatus
from dealplan.notify.mail import configured, message, send
from dealplan.notify.outbox import Notice
from dealplan.plan.models import MapItem
from dealplan.room.models import Room
from dealplan.user.models import User

OPEN_STATUSES = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.BLOCKED)


def owner_notice_text(
    *, session: Session, room: Room, actor: str, what: str, base_url: str
) -> Notice | None:
    """What to tell the room's owner about `actor`'s change; None without an owner's email.

    One query (the owner's email and the deal's name); the mail itself is built later.
    """
    if room.created_by is None:
        return None
    row = session.execute(
        select(User.email, Deal.name)
        .select_from(Room)
        .join(User, User.id == Room.created_by)
        .join(Deal, Deal.id == Room.deal_id)
        .where(Room.id == room.id)
    ).first()
    if row is None or not row.email:
        return None
    email, deal_name = row
    link = f"{base_url.rstrip('/')}/deals/{room.deal_id}"
    body = (
        f"{actor} changed the mutual action plan of {deal_name} in the deal room:\n\n"
        f"  {what}\n\nSee the plan and its activity: {link}\n"
    )
    return Notice(to=email, subject=f"{deal_name}: {actor} {what}"[:200], body=body)


def owner_notice(
    *, session: Session, room: Room, actor: str, what: str, settings: Settings
) -> EmailMessage | None:
    """The mail telling the room's owner that `actor` changed the plan; None without an owner."""
    notice = owner_notice_text(
        session=session, room=room, actor=actor, what=what, base_url=settings.base_url
    )
    if notice is None:
        return None
    return message(settings=settings, to=notice.to, subject=notice.subject, body=notice.body)


def notify_owner(*, session: Session, room: Room, actor: str, what: str, settings: Settings) -> int:
    """Mail the room's owner about a buyer's change now; returns mails sent (0 or 1).

    The web app queues the same notice on its `Outbox` instead, to send after the response.
    """
    if not configured(settings):
        return 0
    msg = owner_notice(session=session, room=room, actor=actor, what=what, settings=settings)
    return send([msg], settings=settings) if msg is not None else 0


@dataclass
class DigestEntry:
    """One assignee's open items due by the digest's horizon, overdue first."""

    email: str
    name: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"email": self.email, "name": self.name, "items": self.items}


def digest(*, session: Session, as_of: dt.date, days: int) -> list[DigestEntry]:
    """Assignees of open items on open deals due by `as_of + days` (overdue included).

    A seller owner is found among users by name, a customer owner among the contacts of
    the deal's account by name; an owner with no email address is left out.
    """
    horizon = as_of + dt.timedelta(days=days)
    contact = aliased(Contact)
    base = (
        select(MapItem, Deal.name, User.email, User.name, contact.email, contact.name)
        .join(Deal, Deal.id == MapItem.deal_id)
        .outerjoin(User, User.name == MapItem.seller_owner)
        .outerjoin(
            contact,
            and_(contact.name == MapItem.customer_owner, contact.account_id == Deal.account_id),
        )
        .where(
            Deal.outcome == "open",
            MapItem.status.in_([s.value for s in OPEN_STATUSES]),
            MapItem.due_date.is_not(None),
            MapItem.due_date <= horizon,
        )
        .order_by(MapItem.due_date, MapItem.id)
    )
    entries: dict[str, DigestEntry] = {}
    for item, deal_name, s_email, s_name, c_email, c_name in session.execute(base):
        row = {
            "deal": deal_name,
            "deal_id": item.deal_id,
            "item_id": item.id,
            "action": item.action,
            "due_date": item.due_date,
            "status": item.status,
            "days_overdue": max((as_of - (item.due_date or as_of)).days, 0),
        }
        for email, name in ((s_email, s_name), (c_email, c_name)):
            if email:
                entry = entries.setdefault(email, DigestEntry(email=email, name=name))
                if row not in entry.items:
                    entry.items.append(row)
    return sorted(entries.values(), key=lambda e: e.email)


def digest_message(entry: DigestEntry, *, as_of: dt.date, settings: Settings) -> EmailMessage:
    """The digest mail for one assignee: overdue items, then those due soon."""
    late = [i for i in entry.items if i["days_overdue"] > 0]
    soon = [i for i in entry.items if i["days_overdue"] == 0]
    lines = [f"Hello {entry.name},", ""]
    if late:
        lines += ["Overdue:"] + [
            f"  - {i['action']} ({i['deal']}), due {i['due_date']:%d %b}, "
            f"{i['days_overdue']} days late"
            for i in late
        ]
        lines.append("")
    if soon:
        lines += ["Due soon:"] + [
            f"  - {i['action']} ({i['deal']}), due {i['due_date']:%d %b}" for i in soon
        ]
        lines.append("")
    lines.append(f"Sent by dealplan on {as_of:%d %b %Y}.")
    subject = f"Mutual action plan: {len(late)} overdue, {len(soon)} due soon"
    return message(settings=settings, to=entry.email, subject=subject, body="\n".join(lines))


def send_digest(entries: list[DigestEntry], *, as_of: dt.date, settings: Settings) -> int:
    """Mail each assignee their digest; returns how many mails went."""
    msgs = [digest_message(e, as_of=as_of, settings=settings) for e in entries]
    return send(msgs, settings=settings)
