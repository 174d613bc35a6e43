"""Where an analytics command's deals come from: a deal file (`--data`) or the workspace.

Every pipeline, forecast and win/loss command takes the same options and calls `load_deals`,
which returns the deal table of `dealplan.engines.deal_frame`. A file is read without opening
any database (and without importing SQLAlchemy), so `dealplan pipeline --data FILE` starts fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import polars as pl

PROFILE_NAMES = ("auto", "generic", "salesforce", "hubspot", "maven", "ibm")

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="FILE",
        help="Deals from this CSV or JSON file instead of the workspace (see docs/deal-files.md).",
        show_default=False,
    ),
]
ProfileOption = Annotated[
    str,
    typer.Option(
        "--profile",
        help="Column names of --data: "
        + ", ".join(PROFILE_NAMES)
        + " (auto: chosen by the header).",
    ),
]
StageMapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--stage-map",
        metavar="LABEL=STAGE",
        help="Map a stage label of --data onto a stage (repeatable; also 'A=B,C=D' or a "
        "TOML/JSON file of label = stage pairs).",
        show_default=False,
    ),
]
PriceListOption = Annotated[
    Path | None,
    typer.Option(
        "--price-list",
        metavar="FILE",
        help="Product list (columns product and price, sales_price or list_price): deals "
        "without an amount take their product's price.",
        show_default=False,
    ),
]


def load_deals(
    data: Path | None,
    *,
    db: str | None,
    as_of: dt.date,
    profile: str = "auto",
    stage_map: list[str] | None = None,
    price_list: Path | None = None,
    columns: Collection[str] | None = None,
    only_with: Mapping[str, Collection[str]] | None = None,
) -> pl.LazyFrame:
    """The deal table (deal_frame.SCHEMA) from `data`, or from the workspace when it is None.

    `columns`, when given, are the deal-table columns the caller reads; a file's other
    columns are then not parsed (they come back null). `only_with`: columns of `columns` a
    file's reader needs only when the file has one of the columns listed for them (see
    `dealplan.io.deal_table.read_deals`). InputError for bad files or options.
    """
    if data is not None:
        from dealplan.io.deal_table import read_deals

        return read_deals(
            data,
            profile=profile,
            stage_map=stage_map,
            price_list=price_list,
            columns=columns,
            only_with=only_with,
        ).lazy()
    from dealplan.cli.app import workspace
    from dealplan.deal.deal_table import workspace_deals
    from dealplan.engines.deal_frame import conform

    with workspace(db) as session:
        frame = workspace_deals(session=session, as_of=as_of)
        return conform(frame.lazy()).collect().lazy()
