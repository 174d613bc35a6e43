"""`dealplan winloss`, `math`, `metrics` and `waterfall` (PIPE-5 to PIPE-8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from dealplan.cli.app import DbOption, JsonOption, app
from dealplan.cli.deal_source import DataOption, PriceListOption, ProfileOption, StageMapOption

DealsOption = Annotated[
    Path | None,
    typer.Option(
        "--deals",
        metavar="FILE",
        help="Closed (and open) deals from this CSV or JSON file instead of the workspace.",
        show_default=False,
    ),
]
ChartOption = Annotated[
    Path | None,
    typer.Option(
        "--chart", metavar="OUT", help="Write a chart (.png or .svg).", show_default=False
    ),
]
DateOption = Annotated[str | None, typer.Option(help="Date YYYY-MM-DD.", show_default=False)]


def parse_date(option: str, text: str | None) -> dt.date | None:
    """`text` as a date; InputError naming `option` when it is not one."""
    from dealplan.errors import InputError

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date like 2026-03-31") from None


def today() -> dt.date:
    """The clock, read once by a command."""
    return dt.datetime.now(dt.UTC).date()


@app.command("winloss")
def winloss_cmd(
    deals: DealsOption = None,
    data: DataOption = None,
    profile: ProfileOption = "auto",
    stage_map: StageMapOption = None,
    price_list: PriceListOption = None,
    accounts: Annotated[
        Path | None,
        typer.Option(
            "--accounts",
            metavar="FILE",
            help="Accounts CSV (account plus sector or industry) filling the deals' industry.",
            show_default=False,
        ),
    ] = None,
    min_deals: Annotated[
        int | None,
        typer.Option(
            "--min-deals",
            min=1,
            help="Closed deals a value needs to be compared (default: winloss.toml, 20).",
            show_default=False,
        ),
    ] = None,
    as_of: DateOption = None,
    chart: ChartOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Win rates by size, cycle, competitor, industry, source, owner...; patterns (PIPE-5)."""
    from dealplan.cli.analysis_render import render_winloss
    from dealplan.cli.deal_source import load_deals
    from dealplan.engines.winloss import columns, winloss
    from dealplan.methodology.data import winloss_settings as shipped

    day = parse_date("--as-of", as_of)
    wanted = columns(shipped())
    if accounts is not None:
        wanted = (*wanted, "account", "industry")
    frame = load_deals(
        deals or data,
        db=db,
        as_of=day or today(),
        profile=profile,
        stage_map=stage_map,
        price_list=price_list,
        columns=wanted,
    )
    if accounts is not None:
        frame = with_account_industry(frame, accounts)
    result = winloss(frame, settings=shipped(), as_of=day, min_deals=min_deals)
    if chart is not None:
        from dealplan.reports.winloss_charts import winloss_chart

        winloss_chart(result, chart, max_values=shipped().chart_values)
    if as_json:
        from dealplan.cli.app import print_json

        print_json(result.as_dict())
        return
    render_winloss(result, chart)


def with_account_industry(frame: Any, path: Path) -> Any:
    """`frame` with a null industry filled from the accounts file's sector/industry column."""
    import polars as pl

    from dealplan.errors import InputError

    if not path.is_file():
        raise InputError(f"--accounts {path.name}: no such file ({path})")
    try:
        table = pl.read_csv(path, infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"--accounts {path.name}: cannot be read as CSV: {exc}") from None
    lower = {c.strip().lower(): c for c in table.columns}
    name = lower.get("account") or lower.get("name") or lower.get("account_name")
    sector = lower.get("sector") or lower.get("industry")
    if name is None or sector is None:
        raise InputError(
            f"--accounts {path.name}: expected an account column and a sector or industry "
            f"column; the header has: {', '.join(table.columns)}"
        )
    sectors = table.select(
        pl.col(name).str.strip_chars().alias("__account"),
        pl.col(sector).str.strip_chars().alias("__sector"),
    ).unique("__account", keep="first")
    return (
        frame.join(sectors.lazy(), left_on="account", right_on="__account", how="left")
        .with_columns(pl.coalesce("industry", "__sector").alias("industry"))
        .drop("__sector")
    )


@app.command("math")
def math_cmd(
    quota: Annotated[float, typer.Option("--quota", help="Yearly quota.")],
    deal_size: Annotated[float, typer.Option("--deal-size", help="Average deal size.")],
    win_rate: Annotated[float, typer.Option("--win-rate", help="Win rate, a fraction: 0.25.")],
    cycle_days: Annotated[int, typer.Option("--cycle-days", help="Average sales cycle in days.")],
    coverage: Annotated[
        float | None,
        typer.Option(
            "--coverage", help="Pipeline coverage target (default 3).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Deals, pipeline, opportunities and meetings a quota needs (PIPE-6)."""
    from dealplan.cli.analysis_render import render_math
    from dealplan.engines.sales_math import MathInputError, sales_math
    from dealplan.errors import InputError
    from dealplan.methodology.data import winloss_settings as shipped

    try:
        result = sales_math(
            quota=quota,
            deal_size=deal_size,
            win_rate=win_rate,
            cycle_days=cycle_days,
            coverage=coverage,
            settings=shipped(),
        )
    except MathInputError as exc:
        raise InputError("the sales math cannot use these inputs", exc.problems) from None
    if as_json:
        from dealplan.cli.app import print_json

        print_json(result.as_dict())
        return
    render_math(result)


@app.command("metrics")
def metrics_cmd(
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="First day (default: 4 weeks before --to).", show_default=False
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (default: today).", show_default=False)
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Only this owner.", show_default=False)
    ] = None,
    quota: Annotated[
        float | None,
        typer.Option(
            "--quota", help="Quota for the period (of --owner, else the team).", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Activity against the targets and outcome metrics, per owner (PIPE-7)."""
    import polars as pl

    from dealplan.cli.analysis_render import render_metrics
    from dealplan.cli.app import workspace
    from dealplan.deal.deal_table import workspace_activities, workspace_deals
    from dealplan.engines.activity_metrics import metrics
    from dealplan.errors import InputError
    from dealplan.methodology.data import winloss_settings as shipped

    last = parse_date("--to", end) or today()
    first = parse_date("--from", start) or last - dt.timedelta(days=27)
    if first > last:
        raise InputError(f"--from {first} is after --to {last}")
    if quota is not None and quota <= 0:
        raise InputError(f"--quota must be more than 0 (got {quota:g})")
    with workspace(db) as session:
        acts = workspace_activities(session=session, start=first, end=last)
        deals = workspace_deals(session=session, as_of=last)
    if owner is not None:
        acts = acts.filter(pl.col("owner") == owner)
        deals = deals.filter(pl.col("owner") == owner)
    result = metrics(acts, deals, start=first, end=last, settings=shipped(), quota=quota)
    if as_json:
        from dealplan.cli.app import print_json

        print_json(result.as_dict())
        return
    render_metrics(result)


@app.command("waterfall")
def waterfall_cmd(
    start: Annotated[str, typer.Option("--from", help="Start date YYYY-MM-DD (as at its end).")],
    end: Annotated[str, typer.Option("--to", help="End date YYYY-MM-DD; also the period end.")],
    chart: ChartOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How the pipeline closing by --to changed from --from to --to (PIPE-8)."""
    from dealplan.cli.analysis_render import render_waterfall
    from dealplan.cli.app import workspace
    from dealplan.deal.deal_table import workspace_deals
    from dealplan.engines.waterfall import waterfall
    from dealplan.errors import InputError

    first = parse_date("--from", start) or dt.date.min
    last = parse_date("--to", end) or dt.date.min
    if last < first:
        raise InputError(f"--to {last} is before --from {first}")
    with workspace(db) as session:
        before = workspace_deals(session=session, as_of=first)
        after = workspace_deals(session=session, as_of=last)
    result = waterfall(before, after, start_date=first, end_date=last)
    if chart is not None:
        from dealplan.reports.winloss_charts import waterfall_chart

        waterfall_chart(result, chart)
    if as_json:
        from dealplan.cli.app import print_json

        print_json(result.as_dict())
        return
    render_waterfall(result, chart)
