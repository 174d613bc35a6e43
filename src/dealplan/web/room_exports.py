"""Room exports (MAP-9): the ICS calendar of due dates and the check-in agenda (md, PDF)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dealplan.room import agenda, signoff
from dealplan.room import service as rooms
from dealplan.web.deps import AsOfDep, SessionDep
from dealplan.web.room_common import room_or_404
from dealplan.web.templating import templates

router = APIRouter(tags=["deal room exports"])


def _slug(text: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(p for p in kept.split("-") if p)[:60] or "plan"


@router.get("/room/{token}/calendar.ics")
def calendar(request: Request, token: str, session: SessionDep, as_of: AsOfDep) -> Response:
    """The plan's due dates as an iCalendar feed (subscribe or import)."""
    room = room_or_404(session, token, as_of)
    view = rooms.room_view(session=session, room=room)
    body = agenda.calendar(view, stamp=as_of, base_url=request.app.state.settings.base_url)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="mutual-action-plan.ics"'},
    )


@router.get("/room/{token}/agenda.md")
def agenda_md(token: str, session: SessionDep, as_of: AsOfDep) -> Response:
    """The running agenda for the next check-in call, as Markdown."""
    room = room_or_404(session, token, as_of)
    view = rooms.room_view(session=session, room=room)
    status = signoff.signature_status(session=session, deal_id=room.deal_id)
    text = agenda.agenda_markdown(view, status, as_of.date())
    name = _slug(view["deal"]["account"] or view["deal"]["name"])
    return Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="agenda-{name}.md"'},
    )


@router.get("/room/{token}/agenda.pdf")
def agenda_pdf(request: Request, token: str, session: SessionDep, as_of: AsOfDep) -> Response:
    """The running agenda as a printable PDF."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    room = room_or_404(session, token, as_of)
    view = rooms.room_view(session=session, room=room)
    status = signoff.signature_status(session=session, deal_id=room.deal_id)
    html = templates.get_template("room/agenda_pdf.html").render(
        view=view,
        deal=view["deal"],
        signature=status,
        sections=agenda.agenda_sections(view, as_of.date()),
        as_of=as_of,
        statuses=agenda.STATUS,
    )
    pdf = HTML(string=html).write_pdf()
    name = _slug(view["deal"]["account"] or view["deal"]["name"])
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="agenda-{name}.pdf"'},
    )
