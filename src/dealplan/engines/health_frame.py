"""`HealthFeatures` for many deals at once, vectorised in Polars over whole tables.

The input is the workspace's current rows (`Tables`): deals, contacts, MEDDPICC elements, MAP
items and milestones, activities, gate overrides and the history of deals, contacts, MAP
items and milestones. They are the deals as they stand *now*, so `as_of` must be at or after
the newest history row (review at the present); for an earlier moment rewind a deal's
`DealFacts` instead (`health_features.features_of`). Both builders give equal records.

Each feature is an aggregate per deal; the only Python work per deal is packing that deal's
row into its record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from dealplan.engines.facts import BUYER_SUFFIX
from dealplan.engines.frame_rows import named_rows
from dealplan.engines.health_common import setting
from dealplan.engines.health_features import DANGER_SIGNALS, POSITIVE_SIGNALS, HealthFeatures
from dealplan.engines.health_records import record
from dealplan.methodology.thresholds import Thresholds

BUYER_SIDES = ("buyer", "both")
SELLER_SIDES = ("seller", "both")
DONE = ("complete", "cancelled")
# The champion's fields the rules read, one struct per deal.
CHAMPION_FIELDS = (
    "chess",
    "influence",
    "personal_win",
    "professional_win",
    "engagement",
    "relationship_depth",
    "support",
)


@dataclass(frozen=True)
class Tables:
    """The current rows `features_table` reads (column types as `dealplan.models` declares
    them; JSON columns as JSON text)."""

    deals: pl.DataFrame
    contacts: pl.DataFrame
    meddpicc: pl.DataFrame
    items: pl.DataFrame
    milestones: pl.DataFrame
    activities: pl.DataFrame
    overrides: pl.DataFrame
    history: pl.DataFrame


def _decoded(name: str, dtype: pl.DataType) -> pl.Expr:
    """A history value (JSON text) as a string, date or datetime."""
    text = pl.col(name).str.json_decode(dtype=pl.String)
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False)
    return text


def _first(frame: pl.DataFrame, by: list[str], descending: list[bool]) -> pl.DataFrame:
    """The first row per deal after sorting by `by`."""
    return frame.sort(["deal_id", *by], descending=[False, *descending], nulls_last=True).unique(
        "deal_id", keep="first", maintain_order=True
    )


def _deal_history(tb: Tables, ids: pl.DataFrame) -> pl.DataFrame:
    h = tb.history.filter(pl.col("entity") == "deal").rename({"entity_id": "deal_id"})
    h = h.join(ids, on="deal_id", how="semi").sort("at", "id")
    created = (
        h.filter(pl.col("op") == "create")
        .group_by("deal_id")
        .agg(pl.col("at").min().alias("created_at"))
    )
    moves = (
        h.filter((pl.col("op") != "create") & (pl.col("field") == "stage"))
        .with_columns(_decoded("old", pl.String()), _decoded("new", pl.String()))
        .group_by("deal_id", maintain_order=True)
        .agg(
            pl.struct("at", "old", "new").alias("stage_moves"),
        )
    )
    pushes = (
        h.filter((pl.col("op") != "create") & (pl.col("field") == "close_date"))
        .with_columns(_decoded("old", pl.Date()), _decoded("new", pl.Date()))
        .filter(pl.col("new") > pl.col("old"))
        .group_by("deal_id", maintain_order=True)
        .agg(pl.struct("at", "old", "new").alias("close_pushes"))
    )
    return created.join(moves, on="deal_id", how="full", coalesce=True).join(
        pushes, on="deal_id", how="full", coalesce=True
    )


def _map_events(tb: Tables, ids: pl.DataFrame) -> pl.DataFrame:
    """History of MAP items and milestones, each row with the deal it belongs to."""
    h = tb.history.filter(pl.col("entity").is_in(["map_item", "milestone"]))
    owners = pl.concat(
        [
            tb.items.select(pl.lit("map_item").alias("entity"), pl.col("id"), "deal_id"),
            tb.milestones.select(pl.lit("milestone").alias("entity"), pl.col("id"), "deal_id"),
            h.filter(pl.col("op") == "delete").select(
                "entity",
                pl.col("entity_id").alias("id"),
                pl.col("old").str.json_path_match("$.deal_id").cast(pl.Int64).alias("deal_id"),
            ),
        ]
    ).unique(["entity", "id"], keep="first")
    return (
        h.join(owners, left_on=["entity", "entity_id"], right_on=["entity", "id"])
        .join(ids, on="deal_id", how="semi")
        .sort("at", "id")
        .with_columns(pl.col("actor").str.ends_with(BUYER_SUFFIX).alias("by_buyer"))
    )


def _map(
    tb: Tables, ids: pl.DataFrame, ev: pl.DataFrame, as_of: dt.datetime, t: Thresholds
) -> pl.DataFrame:
    today = as_of.date()
    recent_from = today - dt.timedelta(days=int(setting(t, "map.recent_days")))
    due_by = today - dt.timedelta(weeks=int(setting(t, "map.pending_weeks")))
    since = as_of - dt.timedelta(days=int(setting(t, "map.new_stakeholder_days")))
    per_deal = ev.group_by("deal_id").agg(
        pl.len().alias("map_events"),
        pl.col("at").min().alias("first_map_event"),
        pl.col("at").max().alias("last_map_event"),
        pl.col("actor")
        .sort_by("at", "id", descending=[True, False])
        .first()
        .alias("last_map_actor"),
        pl.col("at").filter(pl.col("by_buyer")).max().alias("buyer_heard"),
    )
    moves = (
        ev.filter((pl.col("field") == "due_date") & (pl.col("op") == "update"))
        .with_columns(_decoded("old", pl.Date()), _decoded("new", pl.Date()))
        .with_columns((pl.col("new") - pl.col("old")).dt.total_days().alias("delta"))
        .group_by("deal_id")
        .agg(
            (pl.col("delta") > 0).sum().alias("pushed"),
            pl.col("delta").filter(pl.col("delta") > 0).sum().alias("pushed_days"),
            (pl.col("delta") < 0).sum().alias("pulled"),
            (-pl.col("delta").filter(pl.col("delta") < 0)).sum().alias("pulled_days"),
        )
    )
    ie = (
        ev.filter(pl.col("entity") == "map_item")
        .group_by("entity_id")
        .agg(
            pl.col("at").max().alias("last_event"),
            pl.col("at").filter(pl.col("op") == "create").min().alias("created_at"),
            pl.col("at")
            .filter((pl.col("field") == "status") & (pl.col("new") == '"complete"'))
            .max()
            .alias("done_event"),
        )
    )
    everything = tb.items.join(ids, on="deal_id", how="semi")
    any_items = everything.group_by("deal_id").agg(pl.len().alias("all_items"))
    items = (
        everything.filter(pl.col("status") != "cancelled")
        .join(ie, left_on="id", right_on="entity_id", how="left")
        .with_columns(
            pl.col("side").is_in(BUYER_SIDES).alias("buyer"),
            pl.col("side").is_in(SELLER_SIDES).alias("seller"),
            ~pl.col("status").is_in(DONE).alias("open"),
            pl.coalesce("last_event", "created_at").alias("last_change"),
            pl.coalesce("completed_at", "done_event").alias("completed"),
        )
        .with_columns(
            (
                pl.col("open") | (pl.col("completed").dt.date() >= recent_from).fill_null(False)
            ).alias("live"),
            pl.struct(
                "action",
                pl.col("customer_owner").alias("owner"),
                "due_date",
                "status",
            ).alias("ref"),
        )
        .sort("id")
    )
    buyer = pl.col("buyer")
    overdue = buyer & pl.col("open") & (pl.col("due_date") < today)
    pending = (
        buyer
        & pl.col("open")
        & (pl.col("due_date") < due_by)
        & (pl.col("last_change").fill_null(as_of).dt.date() <= pl.col("due_date"))
    )
    added = pl.col("created_by_side") == "buyer"
    agg = items.group_by("deal_id").agg(
        pl.len().alias("items"),
        buyer.any().alias("buyer_items_any"),
        (pl.col("live") & ~buyer).sum().alias("seller_live"),
        (pl.col("live") & buyer).sum().alias("buyer_live"),
        pl.col("ref")
        .filter(overdue)
        .sort_by(pl.col("due_date").filter(overdue), maintain_order=True)
        .alias("overdue"),
        buyer.sum().alias("buyer_total"),
        (buyer & (pl.col("due_date") < today)).sum().alias("buyer_due_passed"),
        (buyer & (pl.col("status") == "complete")).any().alias("buyer_any_complete"),
        pl.struct(
            "action", pl.col("customer_owner").alias("owner"), "due_date", "status", "last_change"
        )
        .filter(pending)
        .alias("pending"),
        pl.col("due_date").max().alias("latest_due"),
        pl.col("due_date").count().alias("dated"),
        pl.col("action").filter(added).alias("buyer_added"),
        (added & (pl.col("created_at") >= since)).sum().alias("buyer_added_recent"),
    )
    theirs = items.filter(buyer)
    open_first = _first(theirs.filter(pl.col("open")), ["due_date", "id"], [False, False])
    latest = _first(
        theirs.filter(~pl.col("open")).with_columns(pl.col("due_date").fill_null(dt.date.min)),
        ["due_date", "id"],
        [True, True],
    )
    named = (
        pl.concat([open_first.select("deal_id", "ref"), latest.select("deal_id", "ref")])
        .unique("deal_id", keep="first", maintain_order=True)
        .rename({"ref": "named_action"})
    )
    done = (
        items.filter(pl.col("seller") & (pl.col("status") == "complete"))
        .sort(pl.col("completed_at").fill_null(dt.datetime.min), "id", descending=[True, True])
        .group_by("deal_id", maintain_order=True)
        .agg(pl.col("action").head(3).alias("done_lately"))
    )
    return (
        ids.join(per_deal, on="deal_id", how="left")
        .join(any_items, on="deal_id", how="left")
        .join(agg, on="deal_id", how="left")
        .join(moves, on="deal_id", how="left")
        .join(named, on="deal_id", how="left")
        .join(done, on="deal_id", how="left")
        .join(_new_people(items, tb, ids, as_of, since), on="deal_id", how="left")
    )


def _committee_rows(tb: Tables, deals: pl.DataFrame) -> pl.DataFrame:
    """Each deal's committee: the named contacts of its account, with when history first saw
    them, by id."""
    created = (
        tb.history.filter((pl.col("entity") == "contact") & (pl.col("op") == "create"))
        .group_by("entity_id")
        .agg(pl.col("at").min().alias("first_seen"))
    )
    contacts = (
        tb.contacts.filter(pl.col("name").is_not_null() & (pl.col("name") != ""))
        .join(created, left_on="id", right_on="entity_id", how="left")
        .with_columns(pl.coalesce("first_seen", "created_at").alias("seen"))
    )
    return (
        deals.select(pl.col("id").alias("deal_id"), "account_id")
        .join(contacts, on="account_id")
        .sort("deal_id", "id")
    )


def _new_people(
    items: pl.DataFrame, tb: Tables, ids: pl.DataFrame, as_of: dt.datetime, since: dt.datetime
) -> pl.DataFrame:
    """Customer names first seen in the MAP or the committee since `since` (in order)."""
    owners = items.filter(
        pl.col("buyer") & pl.col("customer_owner").is_not_null() & (pl.col("customer_owner") != "")
    ).select(
        "deal_id",
        pl.col("customer_owner").alias("name"),
        pl.col("created_at").fill_null(as_of).alias("seen"),
        pl.lit(0).alias("group"),
        "id",
    )
    before = owners.filter(pl.col("seen") < since).select("deal_id", "name").unique()
    people = (
        _committee_rows(tb, tb.deals.join(ids.rename({"deal_id": "id"}), on="id", how="semi"))
        .filter(pl.col("seen") >= since)
        # Committee members come after the MAP's owners, in committee (id) order.
        .select(
            "deal_id",
            "name",
            pl.lit(None, pl.Datetime("us")).alias("seen"),
            pl.lit(1).alias("group"),
            "id",
        )
    )
    return (
        pl.concat([owners.filter(pl.col("seen") >= since), people])
        .sort("deal_id", "group", "seen", "id")
        .unique(["deal_id", "name"], keep="first", maintain_order=True)
        .join(before, on=["deal_id", "name"], how="anti")
        .group_by("deal_id", maintain_order=True)
        .agg(pl.col("name").alias("new_people"))
    )


def _committee(
    tb: Tables, deals: pl.DataFrame, ev: pl.DataFrame, acts: pl.DataFrame
) -> pl.DataFrame:
    rows = _committee_rows(tb, deals)
    engaged = pl.col("engagement") == "engaged"
    agg = rows.group_by("deal_id").agg(
        pl.len().alias("committee"),
        pl.col("name").filter(engaged).alias("engaged"),
        pl.col("role").filter(engaged & pl.col("role").is_not_null()).alias("engaged_roles"),
        pl.col("name").filter(pl.col("role") == "economic_buyer").first().alias("eb_name"),
    )
    champ = _first(rows.filter(pl.col("role") == "champion"), ["id"], [False]).select(
        "deal_id",
        pl.col("id").alias("champion_id"),
        pl.col("name").alias("champion_name"),
        pl.struct(*CHAMPION_FIELDS).alias("champion"),
    )
    # Heard from the champion: their activities (not the seller's own emails) and MAP changes.
    names = rows.select("deal_id", pl.col("name").alias("actor"), pl.lit(True).alias("buyer"))
    names = names.unique(["deal_id", "actor"])
    said = (
        acts.join(champ, on="deal_id")
        .filter(
            (pl.col("contact_id") == pl.col("champion_id")) & (pl.col("type") != "champion_dark")
        )
        .join(names, on=["deal_id", "actor"], how="left")
        .filter(
            ~(
                (pl.col("type") == "email")
                & pl.col("actor").is_not_null()
                & pl.col("buyer").is_null()
            )
        )
        .group_by("deal_id")
        .agg(pl.col("at").max().alias("said"))
    )
    changed = (
        ev.filter(pl.col("by_buyer"))
        .join(champ, on="deal_id")
        .filter(pl.col("actor").str.contains(pl.col("champion_name"), literal=True))
        .group_by("deal_id")
        .agg(pl.col("at").max().alias("changed"))
    )
    flagged = (
        acts.filter(pl.col("type") == "champion_dark")
        .group_by("deal_id")
        .agg(pl.col("at").max().alias("champion_flagged"))
    )
    return (
        agg.join(champ.drop("champion_id"), on="deal_id", how="left")
        .join(said, on="deal_id", how="left")
        .join(changed, on="deal_id", how="left")
        .with_columns(pl.max_horizontal("said", "changed").alias("champion_heard"))
        .drop("said", "changed")
        .join(flagged, on="deal_id", how="left")
    )


def _activities(acts: pl.DataFrame, as_of: dt.datetime, t: Thresholds) -> pl.DataFrame:
    since = as_of.date() - dt.timedelta(days=int(setting(t, "health.momentum_days")))
    recent = pl.col("at").dt.date() >= since
    sig = pl.struct("type", "at", "contact_id", "actor", "summary")
    kind = pl.col("type")
    return acts.group_by("deal_id").agg(
        (kind == "eb_attends").any().alias("eb_attended"),
        pl.col("at").filter(kind == "demo").min().alias("first_demo"),
        (kind == "proposal").any().alias("proposal_sent"),
        pl.col("at").filter(kind.is_in(POSITIVE_SIGNALS)).max().alias("positive_heard"),
        sig.filter(recent & kind.is_in(POSITIVE_SIGNALS)).alias("positive"),
        sig.filter(recent & kind.is_in(DANGER_SIGNALS)).alias("danger"),
    )


def features_table(tb: Tables, as_of: dt.datetime, t: Thresholds) -> list[HealthFeatures]:
    """The features of every deal in `tb.deals` at `as_of` (at or after the newest history
    row), in the order of `tb.deals`."""
    return records(features_frame(tb, as_of, t), as_of)


def records(frame: pl.DataFrame, as_of: dt.datetime) -> list[HealthFeatures]:
    """Each row of a `features_frame` as the deal's `HealthFeatures`."""
    return [record(r, as_of) for r in named_rows(frame)]


def _stage_entered(frame: pl.DataFrame) -> pl.DataFrame:
    """When each deal entered its current stage: its last move into it, else its creation."""
    moves = (
        frame.select("deal_id", "stage", "stage_moves")
        .explode("stage_moves")
        .filter(pl.col("stage_moves").struct.field("new") == pl.col("stage"))
        .group_by("deal_id", maintain_order=True)
        .agg(pl.col("stage_moves").struct.field("at").last().alias("moved_in"))
    )
    return frame.join(moves, on="deal_id", how="left", maintain_order="left").with_columns(
        pl.coalesce("moved_in", "created_at").alias("stage_entered")
    )


def features_frame(tb: Tables, as_of: dt.datetime, t: Thresholds) -> pl.DataFrame:
    """Every deal of `tb.deals` at `as_of` (at or after the newest history row), one row
    each in the order of `tb.deals`: the columns `records` packs into `HealthFeatures`."""
    deals = tb.deals
    ids = deals.select(pl.col("id").alias("deal_id"))
    ev = _map_events(tb, ids)
    acts = (
        tb.activities.filter(pl.col("occurred_at") <= as_of)
        .rename({"occurred_at": "at"})
        .join(ids, on="deal_id", how="semi")
        .sort("at", "id")
    )
    statuses = (
        tb.meddpicc.join(ids, on="deal_id", how="semi")
        .sort("id")
        .group_by("deal_id", maintain_order=True)
        .agg(pl.struct("element", "status").alias("statuses"))
    )
    overrides = (
        tb.overrides.filter(pl.col("at") <= as_of)
        .sort("id")
        .group_by("deal_id", maintain_order=True)
        .agg(pl.struct("at", "from_stage", "to_stage", "reason", "unmet", "actor").alias("ov"))
    )
    frame = (
        deals.rename({"id": "deal_id"})
        .join(_deal_history(tb, ids), on="deal_id", how="left")
        .join(_map(tb, ids, ev, as_of, t), on="deal_id", how="left")
        .join(_committee(tb, deals, ev, acts), on="deal_id", how="left")
        .join(_activities(acts, as_of, t), on="deal_id", how="left")
        .join(statuses, on="deal_id", how="left")
        .join(overrides, on="deal_id", how="left")
        .with_columns(
            pl.max_horizontal("buyer_heard", "positive_heard").alias("customer_last_heard")
        )
    )
    return _stage_entered(frame)
