"""View models of the forecast and account pages (PIPE-2, PIPE-3, ACC-11)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from dealplan.account.models import Account
from dealplan.errors import InputError, NotFoundError
from dealplan.web.seller_schemas import ForecastOut

if TYPE_CHECKING:
    from dealplan.engines.forecast import ForecastResult
    from dealplan.reports.account_plan import AccountPlanDoc


def forecast_result(
    *,
    session: Session,
    as_of: dt.date,
    quarter: str | None = None,
    month: str | None = None,
    year: int | None = None,
) -> ForecastResult:
    """The forecast of the period (default: the quarter of `as_of`) from the workspace."""
    from dealplan.deal.deal_table import workspace_deals
    from dealplan.engines.deal_frame import conform
    from dealplan.engines.forecast import forecast
    from dealplan.engines.forecast_period import parse_period
    from dealplan.forecast.settings import forecast_settings

    try:
        period = parse_period(quarter=quarter, month=month, year=year, as_of=as_of)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    frame = conform(workspace_deals(session=session, as_of=as_of).lazy())
    return forecast(frame, period, as_of, forecast_settings())


def forecast_out(r: ForecastResult) -> ForecastOut:
    d = r.distribution
    return ForecastOut(
        period=r.period.label,
        start=r.period.start,
        end=r.period.end,
        as_of=r.as_of,
        won_to_date=r.won_to_date,
        totals=r.totals,
        categories=r.categories,
        demotions=r.demotions,
        owners=r.owners,
        p10=d.p10,
        p50=d.p50,
        p90=d.p90,
        mean=d.mean,
        method=d.method,
        notes=r.notes,
    )


def forecast_svg(r: ForecastResult) -> str:
    """The forecast chart (bookings CDF with P10/P50/P90, methods side by side) as SVG."""
    from dealplan.reports.forecast_charts import forecast_chart

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "forecast.svg"
        forecast_chart(r, path)
        text = path.read_text(encoding="utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def find_account(session: Session, account_id: int) -> Account:
    acc = session.get(Account, account_id)
    if acc is None:
        raise NotFoundError(f"no account {account_id}")
    return acc


def account_plan(*, session: Session, account_id: int, as_of: dt.datetime) -> AccountPlanDoc:
    """The account plan document of the account (ACC-11), as `dealplan account-plan` builds."""
    from dealplan.reports import account_plan_build

    acc = find_account(session, account_id)
    return account_plan_build.build(session=session, account=acc.name, as_of=as_of)


def account_plan_pdf(*, session: Session, account_id: int, as_of: dt.datetime) -> bytes:
    from dealplan.reports import account_plan_output

    return account_plan_output.to_pdf(
        account_plan(session=session, account_id=account_id, as_of=as_of)
    )
