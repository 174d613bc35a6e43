"""Store forecast snapshots and read them back (PIPE-4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.engines.forecast import METHODS, ForecastResult
from dealplan.forecast.models import ForecastSnapshot


def store(*, session: Session, result: ForecastResult, taken_at: dt.datetime) -> int:
    """Store every method's forecast, for the team and per owner; returns rows written."""
    p = result.period
    base = {
        "taken_at": taken_at,
        "as_of": result.as_of,
        "period": p.label,
        "period_start": p.start,
        "period_end": p.end,
    }
    rows = [
        ForecastSnapshot(
            **base, owner=None, method=m, forecast=result.totals[m], won_to_date=result.won_to_date
        )
        for m in METHODS
    ]
    for o in result.owners:
        rows += [
            ForecastSnapshot(
                **base,
                owner=o["owner"],
                method=m,
                forecast=float(o[m]),
                won_to_date=float(o["won"]),
            )
            for m in METHODS
        ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def snapshots(*, session: Session) -> list[dict[str, Any]]:
    """Every stored snapshot row, oldest first."""
    rows = session.scalars(
        select(ForecastSnapshot).order_by(ForecastSnapshot.period_start, ForecastSnapshot.id)
    )
    return [
        {
            "taken_at": r.taken_at,
            "as_of": r.as_of,
            "period": r.period,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "owner": r.owner,
            "method": r.method,
            "forecast": r.forecast,
        }
        for r in rows
    ]
