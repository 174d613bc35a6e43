"""The workspace's deals as the shared deal table (engines/deal_frame.py), now or at a past date.

A past date is rebuilt set-based from the `history` table: the history rows of the deals
entity made after the date are read once, and in Polars (1) deals created after the date are
dropped, (2) deals deleted after the date come back from the snapshot their delete stored,
and (3) every field changed after the date takes the `old` value of its first later change,
which is the value it had at the date.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from dealplan.account.models import Account
from dealplan.activity.models import Activity
from dealplan.deal.models import Deal
from dealplan.engines import deal_frame
from dealplan.enums import HistoryOp
from dealplan.history.models import HistoryEntry
from dealplan.methodology import StageModel, resolve_stage
from dealplan.plan.models import MapItem
from dealplan.workspace.service import stage_map, stage_model

# The deal fields the table is built from, with their Polars types. `eb_checklist` stays JSON
# text: only its "met" key is read.
FIELDS: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "external_id": pl.String,
    "name": pl.String,
    "account_id": pl.Int64,
    "owner": pl.String,
    "stage": pl.String,
    "amount": pl.Float64,
    "currency": pl.String,
    "close_date": pl.Date,
    "closed_date": pl.Date,
    "forecast_category": pl.String,
    "probability": pl.Float64,
    "next_step": pl.String,
    "next_step_date": pl.Date,
    "competitor": pl.String,
    "source": pl.String,
    "type": pl.String,
    "industry": pl.String,
    "segment": pl.String,
    "product": pl.String,
    "created_date": pl.Date,
    "stage_date": pl.Date,
    "outcome": pl.String,
    "loss_reason": pl.String,
    "last_activity_date": pl.Date,
    "eb_access": pl.String,
    "eb_checklist": pl.String,
}
_ROW: Final = {"id": pl.Int64, **FIELDS}


def workspace_deals(*, session: Session, as_of: dt.date | None = None) -> pl.DataFrame:
    """Every deal of the workspace in the deal_frame SCHEMA; with `as_of`, as at that day's end.

    A deal created after `as_of` is absent; a deal deleted since is back as it stood then.
    `id` is the workspace id as text; `line` is null. `map_exists` is true when the deal
    had MAP items then; `eb_engaged` comes from the EB checklist's "met", else the EB access
    (direct: true; champion-mediated or blocked: false); the other checklist columns are null.
    """
    cutoff = None if as_of is None else dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    deals = _current_deals(session)
    if cutoff is not None:
        deals = _rewind(deals, _later_history(session, "deal", cutoff))
    accounts = pl.DataFrame(
        session.execute(select(Account.id, Account.name)).all(),
        schema={"account_id": pl.Int64, "account": pl.String},
        orient="row",
    )
    model = stage_model(session=session)
    stages = _stage_table(model, stage_map(session=session), deals["stage"].unique().to_list())
    mapped = _map_deal_ids(session, cutoff)
    active = _last_activity(session, cutoff)
    frame = (
        deals.lazy()
        .join(accounts.lazy(), on="account_id", how="left")
        .join(stages.lazy(), left_on="stage", right_on="label", how="left")
        .join(active.lazy(), left_on="id", right_on="deal_id", how="left")
        .with_columns(
            pl.col("outcome").fill_null("open"),
            pl.col("stage").alias("stage_label"),
        )
        .with_columns(
            pl.col("id").cast(pl.String),
            pl.coalesce("model_stage", "stage").alias("stage"),
            pl.when(pl.col("outcome") == "open").then(pl.col("model_index")).alias("stage_index"),
            pl.col("model_probability").alias("stage_probability"),
            pl.when(pl.col("outcome") == "open")
            .then(pl.col("close_date"))
            .otherwise(pl.coalesce("closed_date", "close_date"))
            .alias("close_date"),
            pl.max_horizontal("last_activity_date", "activity_date").alias("last_activity_date"),
            pl.col("id").is_in(mapped.implode()).alias("map_exists"),
            _eb_engaged().alias("eb_engaged"),
        )
        .with_columns(
            (pl.col("close_date") - pl.col("created_date")).dt.total_days().alias("cycle_days")
        )
        .sort(pl.col("id").cast(pl.Int64))
    )
    return deal_frame.conform(frame).collect()


def _current_deals(session: Session) -> pl.DataFrame:
    cols = [
        cast(Deal.eb_checklist, Text) if name == "eb_checklist" else getattr(Deal, name)
        for name in FIELDS
    ]
    rows = session.execute(select(Deal.id, *cols)).all()
    return pl.DataFrame(rows, schema=_ROW, orient="row")


def _later_history(session: Session, entity: str, cutoff: dt.datetime) -> pl.DataFrame:
    """The history rows of `entity` made at or after `cutoff`, oldest first."""
    q = (
        select(
            HistoryEntry.id,
            HistoryEntry.entity_id,
            HistoryEntry.op,
            HistoryEntry.field,
            HistoryEntry.old,
            HistoryEntry.at,
        )
        .where(HistoryEntry.entity == entity, HistoryEntry.at >= cutoff)
        .order_by(HistoryEntry.at, HistoryEntry.id)
    )
    return pl.DataFrame(
        session.execute(q).all(),
        schema={
            "hid": pl.Int64,
            "entity_id": pl.Int64,
            "op": pl.String,
            "field": pl.String,
            "old": pl.String,
            "at": pl.Datetime("us"),
        },
        orient="row",
    )


def _decode(name: str, text: pl.Expr) -> pl.Expr:
    """The JSON value `text` of field `name` as the field's type; eb_checklist stays text."""
    dtype = FIELDS[name]
    if name == "eb_checklist":
        return text
    if dtype == pl.Date:
        return text.str.json_decode(pl.String).str.to_date("%Y-%m-%d", strict=False)
    return text.str.json_decode(dtype)


def _snapshot_field(name: str, dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    """Field `name` of a delete's whole-record snapshot (JSON object text in `old`)."""
    value = pl.col("old").str.json_path_match(f"$.{name}")
    if name == "eb_checklist":
        return value.alias(name)
    if dtype == pl.Date:
        return value.str.to_date("%Y-%m-%d", strict=False).alias(name)
    return value.cast(dtype, strict=False).alias(name)


def _rewind(deals: pl.DataFrame, later: pl.DataFrame) -> pl.DataFrame:
    """`deals` as they stood before every change in `later` (history made after the date)."""
    created = later.filter(pl.col("op") == HistoryOp.CREATE.value)["entity_id"]
    deleted = later.filter(pl.col("op") == HistoryOp.DELETE.value).select(
        pl.col("entity_id").alias("id"), *(_snapshot_field(n, t) for n, t in FIELDS.items())
    )
    rows = pl.concat([deals, deleted.filter(~pl.col("id").is_in(deals["id"].implode()))])
    rows = rows.filter(~pl.col("id").is_in(created.implode()))
    updates = later.filter(
        (pl.col("op") == HistoryOp.UPDATE.value) & pl.col("field").is_in(list(FIELDS))
    )
    if updates.is_empty():
        return rows
    # The first later change of each field holds, as `old`, the value at the date. JSON null
    # is stored as SQL NULL, so "null" marks "changed from nothing" apart from "not changed".
    then = (
        updates.group_by("entity_id", "field", maintain_order=True)
        .first()
        .with_columns(pl.col("old").fill_null("null"))
        .pivot(on="field", index="entity_id", values="old")
        .rename({"entity_id": "id"})
    )
    changed = [f for f in FIELDS if f in then.columns]
    then = then.rename({f: f"then_{f}" for f in changed})
    return (
        rows.join(then, on="id", how="left")
        .with_columns(
            pl.when(pl.col(f"then_{f}").is_not_null())
            .then(_decode(f, pl.col(f"then_{f}")))
            .otherwise(pl.col(f))
            .alias(f)
            for f in changed
        )
        .select(list(_ROW))
    )


def _stage_table(
    model: StageModel, mapping: dict[str, str], labels: list[str | None]
) -> pl.DataFrame:
    """Each distinct stage label with the model's stage, open-stage index and probability."""
    open_index = {s.name: i for i, s in enumerate(model.open_stages)}
    resolved = [(lb, resolve_stage(model, lb, mapping)) for lb in labels if lb is not None]
    return pl.DataFrame(
        [
            (
                label,
                name,
                open_index.get(name) if name else None,
                stage.probability if name and (stage := model.stage(name)) else None,
            )
            for label, name in resolved
        ],
        schema={
            "label": pl.String,
            "model_stage": pl.String,
            "model_index": pl.Int32,
            "model_probability": pl.Float64,
        },
        orient="row",
    )


def _map_deal_ids(session: Session, cutoff: dt.datetime | None) -> pl.Series:
    """Ids of the deals that had MAP items (now, or at `cutoff`)."""
    items = pl.DataFrame(
        session.execute(select(MapItem.id, MapItem.deal_id)).all(),
        schema={"id": pl.Int64, "deal_id": pl.Int64},
        orient="row",
    )
    if cutoff is not None:
        later = _later_history(session, "map_item", cutoff)
        created = later.filter(pl.col("op") == HistoryOp.CREATE.value)["entity_id"]
        deleted = later.filter(pl.col("op") == HistoryOp.DELETE.value).select(
            pl.col("entity_id").alias("id"),
            pl.col("old").str.json_path_match("$.deal_id").cast(pl.Int64).alias("deal_id"),
        )
        items = pl.concat([items, deleted]).filter(~pl.col("id").is_in(created.implode()))
    return items["deal_id"].unique()


def _last_activity(session: Session, cutoff: dt.datetime | None) -> pl.DataFrame:
    """Per deal, the date of its latest activity (before `cutoff` when given)."""
    q = select(Activity.deal_id, func.max(Activity.occurred_at)).where(
        Activity.deal_id.is_not(None)
    )
    if cutoff is not None:
        q = q.where(Activity.occurred_at < cutoff)
    rows = session.execute(q.group_by(Activity.deal_id)).all()
    return pl.DataFrame(
        rows, schema={"deal_id": pl.Int64, "activity_at": pl.Datetime("us")}, orient="row"
    ).select("deal_id", pl.col("activity_at").dt.date().alias("activity_date"))


def _eb_engaged() -> pl.Expr:
    met = pl.col("eb_checklist").str.json_path_match("$.met")
    by_access = (
        pl.when(pl.col("eb_access") == "direct")
        .then(pl.lit(True))
        .when(pl.col("eb_access").is_in(["champion_mediated", "blocked"]))
        .then(pl.lit(False))
    )
    return pl.when(met.is_not_null()).then(met == "true").otherwise(by_access)


def workspace_activities(*, session: Session, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Activities from `start` to `end` inclusive: owner (the deal's owner, else who did it),
    type and date, one row each (PIPE-7)."""
    q = (
        select(
            func.coalesce(Deal.owner, Activity.actor),
            Activity.type,
            Activity.occurred_at,
        )
        .outerjoin(Deal, Activity.deal_id == Deal.id)
        .where(
            Activity.occurred_at >= dt.datetime.combine(start, dt.time()),
            Activity.occurred_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()),
        )
    )
    return pl.DataFrame(
        session.execute(q).all(),
        schema={"owner": pl.String, "type": pl.String, "at": pl.Datetime("us")},
        orient="row",
    ).select("owner", "type", pl.col("at").dt.date().alias("date"))
