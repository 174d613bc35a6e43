"""Seller edits from the deal page and the API: MEDDPICC elements (ACC-4).

Stage changes go through `qual_service.change_stage` (the gate) and MAP edits through
`plan.map_service`; this module holds only the MEDDPICC write, which has no service yet.
Every change is recorded in history as by the seller at the request's time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.deal.models import Deal, MeddpiccElement
from dealplan.enums import Element, ElementStatus
from dealplan.errors import InputError
from dealplan.history.service import recording

EDITABLE = ("status", "value", "evidence")
TEXT_LIMIT = 5_000


def update_meddpicc(
    *,
    session: Session,
    deal: Deal,
    element: str,
    changes: Mapping[str, str | None],
    actor: str,
    at: dt.datetime,
) -> MeddpiccElement:
    """Set the status, value and evidence of one MEDDPICC element of `deal`.

    Blank text clears a field. A status of "validated" dates the validation `at`. Raises
    InputError for an unknown element, status or field. Flushes; the caller commits.
    """
    if element not in set(Element):
        raise InputError(f"{element!r} is not a MEDDPICC element: {', '.join(Element)}")
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InputError(f"cannot set {', '.join(unknown)}; editable: {', '.join(EDITABLE)}")
    status = changes.get("status")
    if status is not None and status not in set(ElementStatus):
        raise InputError(f"status: {status!r} is not one of {', '.join(ElementStatus)}")
    row = session.scalar(
        select(MeddpiccElement).where(
            MeddpiccElement.deal_id == deal.id, MeddpiccElement.element == element
        )
    )
    with recording(session, actor=actor, at=at):
        if row is None:
            row = MeddpiccElement(deal_id=deal.id, element=element, status="unknown")
            session.add(row)
        for key in ("value", "evidence"):
            if key in changes:
                text = (changes[key] or "").strip()
                if len(text) > TEXT_LIMIT:
                    raise InputError(f"{key}: longer than {TEXT_LIMIT} characters")
                setattr(row, key, text or None)
        if status is not None and status != row.status:
            row.status = status
            row.validated_on = at.date() if status == "validated" else None
        session.flush()
    return row
