"""The running agenda for check-in calls and the ICS calendar of due dates (MAP-9).

Both are built from `room_view` data (buyer-safe fields only) and an `as_of`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

STATUS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
    "blocked": "Blocked",
    "cancelled": "Cancelled",
}
OPEN = ("not_started", "in_progress", "blocked")


def _items(view: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [i for m in view["milestones"] for i in m["items"]]
    return items + list(view["items"])


def agenda_sections(view: dict[str, Any], as_of: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Open items split for the call: overdue, due in the next 14 days, later; recently done."""
    items = _items(view)
    soon = as_of + dt.timedelta(days=14)
    open_ = [i for i in items if i["status"] in OPEN]
    return {
        "overdue": [i for i in open_ if i["due_date"] and i["due_date"] < as_of],
        "next": [i for i in open_ if i["due_date"] and as_of <= i["due_date"] <= soon],
        "later": [i for i in open_ if not i["due_date"] or i["due_date"] > soon],
        "done": [
            i
            for i in items
            if i["status"] == "complete"
            and i["completed_at"]
            and i["completed_at"].date() >= as_of - dt.timedelta(days=14)
        ],
    }


def _who(item: dict[str, Any]) -> str:
    owners = [o for o in (item["customer_owner"], item["seller_owner"]) if o]
    return " / ".join(owners) or "unassigned"


def _line(item: dict[str, Any]) -> str:
    due = f"due {item['due_date']:%d %b}" if item["due_date"] else "no date"
    return f"- [ ] {item['action']} ({_who(item)}; {due}; {STATUS[item['status']]})"


def agenda_markdown(view: dict[str, Any], signature: dict[str, Any], as_of: dt.date) -> str:
    """The agenda as Markdown: plan summary, then the items to walk through on the call."""
    deal = view["deal"]
    parts = [
        f"# Check-in: {deal['account'] or deal['name']}",
        "",
        f"{deal['name']} · mutual action plan · {as_of:%d %B %Y}",
        "",
        "## Where we are",
        "",
        f"- Problem: {deal['problem'] or 'to be agreed'}",
        f"- Proposed solution: {deal['solution'] or 'to be agreed'}",
        f"- Target date: {deal['target_date']:%d %B %Y}"
        if deal["target_date"]
        else "- Target date: to be agreed",
        f"- Buying process: {deal['buying_process'] or 'to be agreed'}",
    ]
    if signature.get("version"):
        signed = ", ".join(
            f"{s['name']} ({side})" for side, s in sorted(signature["signed"].items())
        )
        parts.append(
            f"- Signed: version {signature['version']} by {signed}; "
            f"{len(signature['changes'])} changes since"
        )
    sections = agenda_sections(view, as_of)
    titles = {
        "overdue": "Overdue: unblock first",
        "next": "Due in the next two weeks",
        "later": "Coming up later",
        "done": "Done since the last two weeks",
    }
    for key, title in titles.items():
        rows = sections[key]
        parts += ["", f"## {title}", ""]
        if key == "done":
            parts += [f"- [x] {i['action']} ({_who(i)})" for i in rows] or ["- nothing yet"]
        else:
            parts += [_line(i) for i in rows] or ["- nothing"]
    parts += ["", "## Milestones", ""]
    parts += [
        f"- {m['name']}"
        + (f" (by {m['due_date']:%d %b})" if m["due_date"] else "")
        + f": {sum(i['status'] == 'complete' for i in m['items'])}/{len(m['items'])} done"
        for m in view["milestones"]
    ] or ["- none yet"]
    parts += ["", "## Next steps agreed on the call", "", "- ", ""]
    return "\n".join(parts)


def calendar(view: dict[str, Any], *, stamp: dt.datetime, base_url: str) -> bytes:
    """An ICS calendar: one all-day event per dated, open item and per dated milestone."""
    from icalendar import Calendar, Event

    deal = view["deal"]
    cal = Calendar()
    cal.add("prodid", "-//dealplan//deal room//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{deal['account'] or deal['name']}: mutual action plan")
    host = base_url.split("://", 1)[-1].split("/", 1)[0] or "dealplan"
    for item in _items(view):
        if not item["due_date"] or item["status"] not in OPEN:
            continue
        ev = Event()
        ev.add("uid", f"map-item-{item['id']}@{host}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", item["due_date"])
        ev.add("dtend", item["due_date"] + dt.timedelta(days=1))
        ev.add("summary", f"Due: {item['action']}")
        ev.add("description", f"Owner: {_who(item)}. Status: {STATUS[item['status']]}.")
        cal.add_component(ev)
    for ms in view["milestones"]:
        if not ms["due_date"]:
            continue
        ev = Event()
        ev.add("uid", f"map-milestone-{ms['id']}@{host}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", ms["due_date"])
        ev.add("dtend", ms["due_date"] + dt.timedelta(days=1))
        ev.add("summary", f"Milestone: {ms['name']}")
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data
