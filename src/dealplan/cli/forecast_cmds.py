"""`dealplan forecast`, `forecast snapshot`, `forecast accuracy` and `backtest forecast`.

PIPE-2, PIPE-3 (forecast and calibration), PIPE-4 (snapshots, accuracy, backtest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealplan.cli.app import DbOption, JsonOption, app
from dealplan.cli.backtest_cmds import backtest_app
from dealplan.cli.deal_source import PriceListOption, ProfileOption, StageMapOption

if TYPE_CHECKING:
    import polars as pl

forecast_app = typer.Typer(
    help="Forecast a quarter or month (PIPE-2, PIPE-3); snapshots and accuracy (PIPE-4).",
    invoke_without_command=True,
)
app.add_typer(forecast_app, name="forecast")

PipelineOption = Annotated[
    Path | None,
    typer.Option(
        "--pipeline",
        "--data",
        metavar="FILE",
        help="Deals from this CSV or JSON file instead of the workspace.",
        show_default=False,
    ),
]
HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        metavar="CLOSED_FILE",
        help="Closed deals to learn from, besides the closed deals of the pipeline.",
        show_default=False,
    ),
]
QuarterOption = Annotated[
    str | None,
    typer.Option("--quarter", help="Q1-Q4 (default: the quarter of --as-of).", show_default=False),
]
MonthOption = Annotated[
    str | None,
    typer.Option("--month", help="A month instead: 1-12 or YYYY-MM.", show_default=False),
]
YearOption = Annotated[
    int | None, typer.Option("--year", help="Year of --quarter (default: --as-of's).")
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Forecast as of this date (YYYY-MM-DD)."),
]
ChartOption = Annotated[
    Path | None,
    typer.Option(
        "--chart", metavar="OUT", help="Write a chart (.png or .svg).", show_default=False
    ),
]


def _day(text: str | None) -> dt.date:
    from dealplan.errors import InputError

    if text is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not a date like 2026-03-31") from None


def _load(
    data: Path | None,
    history: Path | None,
    *,
    db: str | None,
    as_of: dt.date,
    profile: str,
    stage_map: list[str] | None,
    price_list: Path | None,
    columns: Collection[str] | None = None,
    only_with: Mapping[str, Collection[str]] | None = None,
) -> pl.LazyFrame:
    """The deals of `data` (and the closed deals of `history`); `columns`: those read
    (`only_with`: see `deal_source.load_deals`)."""
    import polars as pl

    from dealplan.cli.deal_source import load_deals
    from dealplan.engines.deal_frame import conform

    def one(path: Path | None) -> pl.LazyFrame:
        return conform(
            load_deals(
                path,
                db=db,
                as_of=as_of,
                profile=profile,
                stage_map=stage_map,
                price_list=price_list,
                columns=columns,
                only_with=only_with,
            )
        )

    frame = one(data)
    if history is not None:
        closed = one(history).filter(pl.col("outcome").is_in(["won", "lost"]))
        frame = pl.concat([frame, closed])
    return frame


def _run(
    data: Path | None,
    history: Path | None,
    quarter: str | None,
    month: str | None,
    year: int | None,
    as_of: str | None,
    db: str | None,
    profile: str,
    stage_map: list[str] | None,
    price_list: Path | None,
) -> Any:
    from dealplan.engines.forecast import LISTED_ONLY_WITH, columns, forecast
    from dealplan.engines.forecast_period import parse_period
    from dealplan.errors import InputError
    from dealplan.forecast.settings import forecast_settings

    day = _day(as_of)
    try:
        period = parse_period(quarter=quarter, month=month, year=year, as_of=day)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if period.end <= day:
        from dealplan.cli.app import err

        last = period.end - dt.timedelta(days=1)
        err.print(
            f"note: {period.label} ended on {last}, before the forecast day {day}: its open "
            "deals are overdue and no past period starts before it ends. To see the forecast "
            "as it stood, pass --as-of a day before the period ended.",
            markup=False,
            soft_wrap=True,
        )
    frame = _load(
        data,
        history,
        db=db,
        as_of=day,
        profile=profile,
        stage_map=stage_map,
        price_list=price_list,
        columns=columns(forecast_settings()),
        only_with=LISTED_ONLY_WITH,
    )
    return forecast(frame, period, day, forecast_settings())


@forecast_app.callback()
def forecast_cmd(
    ctx: typer.Context,
    pipeline: PipelineOption = None,
    quarter: QuarterOption = None,
    month: MonthOption = None,
    year: YearOption = None,
    history: HistoryOption = None,
    profile: ProfileOption = "auto",
    stage_map: StageMapOption = None,
    price_list: PriceListOption = None,
    as_of: AsOfOption = None,
    chart: ChartOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Categories, demotions, three forecasts side by side, P10/P50/P90, calibration."""
    if ctx.invoked_subcommand is not None:
        return
    from dealplan.forecast.render import render_forecast

    result = _run(
        pipeline, history, quarter, month, year, as_of, db, profile, stage_map, price_list
    )
    if chart is not None:
        from dealplan.reports.forecast_charts import forecast_chart

        forecast_chart(result, chart)
    if as_json:
        from dealplan.cli.app import print_json

        print_json(result.as_dict())
        return
    render_forecast(result, chart)


@forecast_app.command("snapshot")
def snapshot_cmd(
    pipeline: PipelineOption = None,
    quarter: QuarterOption = None,
    month: MonthOption = None,
    year: YearOption = None,
    history: HistoryOption = None,
    profile: ProfileOption = "auto",
    stage_map: StageMapOption = None,
    price_list: PriceListOption = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Store the current forecast (every method, team and per owner) in the workspace."""
    from dealplan.cli.app import out, print_json, workspace
    from dealplan.forecast import service

    result = _run(
        pipeline, history, quarter, month, year, as_of, db, profile, stage_map, price_list
    )
    with workspace(db) as session:
        rows = service.store(
            session=session, result=result, taken_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
        )
    summary = {
        "period": result.period.label,
        "as_of": result.as_of,
        "rows": rows,
        "forecasts": result.totals,
    }
    if as_json:
        print_json(summary)
        return
    values = ", ".join(f"{m} {v:,.0f}" for m, v in result.totals.items())
    out.print(
        f"stored the {result.period.label} forecast as of {result.as_of} "
        f"({rows} rows, {len(result.owners)} owners): {values}",
        highlight=False,
    )


@forecast_app.command("accuracy")
def accuracy_cmd(
    data: PipelineOption = None,
    profile: ProfileOption = "auto",
    stage_map: StageMapOption = None,
    price_list: PriceListOption = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Stored snapshots against the value won in their periods: error and bias."""
    from dealplan.cli.app import print_json, workspace
    from dealplan.engines.forecast_accuracy import accuracy
    from dealplan.errors import DealplanError
    from dealplan.forecast import service
    from dealplan.forecast.render import render_accuracy

    day = _day(as_of)
    with workspace(db) as session:
        snaps = service.snapshots(session=session)
    if not snaps:
        raise DealplanError(
            "no forecast snapshots in the workspace yet: store one with "
            "`dealplan forecast snapshot --quarter Q4`"
        )
    frame = _load(
        data, None, db=db, as_of=day, profile=profile, stage_map=stage_map, price_list=price_list
    )
    result = accuracy(snaps, frame, day)
    if not result.rows:
        raise DealplanError(
            f"no snapshot's period has ended by {day} (pending: {', '.join(result.pending)}); "
            "accuracy is measured once a period is over"
        )
    if as_json:
        print_json(result.as_dict())
        return
    render_accuracy(result)


@backtest_app.command("forecast")
def backtest_forecast_cmd(
    freq: Annotated[
        str, typer.Option("--freq", help="month or quarter: the periods replayed.")
    ] = "month",
    data: PipelineOption = None,
    history: HistoryOption = None,
    profile: ProfileOption = "auto",
    stage_map: StageMapOption = None,
    price_list: PriceListOption = None,
    chart: ChartOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replay every period: each method's forecast from what was known at its start (PIPE-4)."""
    from dealplan.engines.forecast_backtest import backtest_forecast
    from dealplan.errors import InputError
    from dealplan.forecast.render import render_backtest
    from dealplan.forecast.settings import forecast_settings

    if freq not in ("month", "quarter"):
        raise InputError(f"--freq {freq!r}: use month or quarter")
    day = dt.datetime.now(dt.UTC).date()
    frame = _load(
        data,
        history,
        db=db,
        as_of=day,
        profile=profile,
        stage_map=stage_map,
        price_list=price_list,
    )
    prices = _prices(price_list) if price_list is not None else None
    try:
        result = backtest_forecast(frame, freq, forecast_settings(), prices)  # type: ignore[arg-type]
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if chart is not None:
        from dealplan.reports.forecast_charts import backtest_chart

        backtest_chart(result, chart)
    if as_json:
        from dealplan.cli.app import print_json

        print_json(result.as_dict())
        return
    render_backtest(result, chart)


def _prices(path: Path) -> pl.DataFrame:
    from dealplan.engines.forecast_backtest import price_table
    from dealplan.io.deal_prices import read_prices

    table = read_prices(path)
    return price_table(table["__key"], table["__price"])
