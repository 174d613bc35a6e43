"""`dealplan pipeline` (PIPE-1): the pipeline review of a deal file or of the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealplan.cli.app import DbOption, JsonOption, app
from dealplan.cli.deal_source import DataOption, PriceListOption, ProfileOption, StageMapOption

if TYPE_CHECKING:
    from dealplan.engines.pipeline import PipelineReview

QuotaOption = Annotated[
    float | None,
    typer.Option(
        "--quota", metavar="N", help="Quota of the quarter, for coverage.", show_default=False
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", metavar="DATE", help="Review as of this date (YYYY-MM-DD); default: today."
    ),
]
ChartOption = Annotated[
    Path | None,
    typer.Option(
        "--chart",
        metavar="OUT",
        help="Write charts: OUT (pipeline by stage) and OUT-coverage (.png or .svg).",
        show_default=False,
    ),
]


@app.command("pipeline")
def pipeline_cmd(
    data: DataOption = None,
    profile: ProfileOption = "auto",
    stage_map: StageMapOption = None,
    price_list: PriceListOption = None,
    quota: QuotaOption = None,
    as_of: DateOption = None,
    as_json: JsonOption = False,
    chart: ChartOption = None,
    db: DbOption = None,
) -> None:
    """Pipeline review: totals, stages, coverage, stage mix, hygiene, concentration, velocity."""
    from dealplan.cli.app import print_json
    from dealplan.cli.deal_source import load_deals
    from dealplan.cli.pipeline_render import parse_day, render, rules
    from dealplan.engines.pipeline import COLUMNS, review
    from dealplan.errors import InputError
    from dealplan.methodology import DEFAULT_MODEL, load_model
    from dealplan.methodology.thresholds import default_thresholds

    day = parse_day(as_of)
    if quota is not None and quota < 0:
        raise InputError(f"--quota: {quota:g} is negative; give the quarter's quota, 0 or more")
    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"--chart {chart}: the file name must end in .png or .svg")
    deals = load_deals(
        data,
        db=db,
        as_of=day,
        profile=profile,
        stage_map=stage_map,
        price_list=price_list,
        columns=COLUMNS,
    )
    model = load_model(DEFAULT_MODEL)
    result: PipelineReview = review(
        deals,
        as_of=day,
        quota=quota,
        rules=rules(),
        open_stages=[(s.name, s.probability) for s in model.open_stages],
        norms=dict(default_thresholds().get("stage_norm_days")),
    )
    written: list[Path] = []
    if chart is not None:
        from dealplan.reports.pipeline_charts import write_charts

        written = write_charts(result, chart)
    if as_json:
        doc: dict[str, Any] = result.as_json()
        doc["charts"] = [str(p) for p in written]
        print_json(doc)
        return
    render(result, written)
