"""Activities (PIPE-7, QUAL-7): dated calls, meetings and signals on deals and accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Table
from sqlalchemy.orm import Session

from dealplan.io import prepare, store
from dealplan.io.prepare import Typed
from dealplan.io.problems import Problem
from dealplan.io.references import ACCOUNTS, lookup
from dealplan.io.source import Source
from dealplan.methodology import StageModel
from dealplan.models import Activity, Contact, Deal

ACTIVITIES: Table = Activity.__table__  # type: ignore[assignment]
DEALS: Table = Deal.__table__  # type: ignore[assignment]
CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
DIRECT = ("external_id", "type", "occurred_at", "summary", "source", "actor")
# Without an external id, the same deal (or account), type and moment is the same activity.
NATURAL = pl.concat_str(
    [
        pl.col("deal_id").cast(pl.String).fill_null(""),
        pl.col("account_id").cast(pl.String).fill_null(""),
        pl.col("type"),
        pl.col("occurred_at").dt.strftime("%Y-%m-%dT%H:%M:%S%.6f"),
    ],
    separator="|",
)
KEYS = (
    store.Key("external_id", pl.col("external_id"), ("external_id",)),
    store.Key("natural", NATURAL, ("occurred_at", "deal_id", "account_id", "type")),
)


def plan(
    session: Session,
    source: Source,
    typed: Typed,
    found: dict[str, int],
    model: StageModel,
    *,
    at: dt.datetime,
) -> tuple[list[Any], list[Problem], list[str]]:
    """Activities to create or update; the deals, accounts and contacts they name must
    already be in the workspace."""
    del model, at
    fields = typed.fields
    frame = typed.frame
    problems = prepare.rows_where(
        source, frame, pl.col("type").is_null(), found["type"], "the activity type is empty"
    )
    problems += prepare.rows_where(
        source, frame, pl.col("occurred_at").is_null(), found["occurred_at"], "the date is empty"
    )
    if "external_id" in fields:
        problems += prepare.duplicates(source, frame, "external_id", found["external_id"], "id")
    frame = _link(session, frame, fields)
    for name, what in (("deal", "deal"), ("account", "account"), ("contact", "contact")):
        if name in fields:
            problems += prepare.rows_where(
                source,
                frame,
                pl.col(name).is_not_null() & pl.col(f"{name}_id").is_null(),
                found[name],
                pl.format(f'no {what} "{{}}" in the workspace', pl.col(name)),
            )
    anchor = found.get("deal", found.get("account"))
    problems += prepare.rows_where(
        source,
        frame,
        pl.all_horizontal(pl.col(n).is_null() for n in ("deal", "account") if n in fields),
        anchor,
        "the activity names neither a deal nor an account",
    )
    if problems or typed.problems:
        return [], problems, []
    provided = [n for n in DIRECT if n in fields] + ["deal_id", "account_id"]
    if "contact" in fields:
        provided.append("contact_id")
    rows = frame.select("__row", *provided, pl.col("occurred_at").alias("__created_at"))
    if "external_id" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.String).alias("external_id"))
    wanted = list(
        dict.fromkeys([*provided, "external_id", "deal_id", "account_id", "type", "occurred_at"])
    )
    found_rows = store.existing(session, ACTIVITIES, rows, KEYS, wanted)
    matched = store.match(rows, found_rows, KEYS)
    return [store.diff("activity", ACTIVITIES, matched, found_rows, provided)], [], []


def _link(session: Session, frame: pl.DataFrame, fields: set[str]) -> pl.DataFrame:
    """`deal_id`, `account_id` (the deal's account when none is named) and `contact_id`."""
    out = frame.with_columns(
        pl.lit(None, pl.Int64).alias("deal_id"),
        pl.lit(None, pl.Int64).alias("account_id"),
        pl.lit(None, pl.Int64).alias("contact_id"),
    )
    if "deal" in fields:
        values = out.get_column("deal").drop_nulls().unique().to_list()
        deals = lookup(session, DEALS.c.external_id, values, also=[DEALS.c.account_id])
        out = out.drop("deal_id").join(
            deals.select(
                pl.col("key").alias("deal"),
                pl.col("id").alias("deal_id"),
                pl.col("account_id").alias("__deal_account"),
            ),
            on="deal",
            how="left",
            maintain_order="left",
        )
        out = out.with_columns(pl.col("__deal_account").alias("account_id")).drop("__deal_account")
    if "account" in fields:
        values = out.get_column("account").drop_nulls().unique().to_list()
        accounts = lookup(session, ACCOUNTS.c.name, values)
        out = out.join(
            accounts.select(pl.col("key").alias("account"), pl.col("id").alias("__named")),
            on="account",
            how="left",
            maintain_order="left",
        ).with_columns(pl.coalesce("__named", "account_id").alias("account_id"))
        # A named account that does not exist stays an error even when the deal has one.
        out = out.with_columns(
            pl.when(pl.col("account").is_not_null() & pl.col("__named").is_null())
            .then(None)
            .otherwise(pl.col("account_id"))
            .alias("account_id")
        ).drop("__named")
    if "contact" in fields:
        values = out.get_column("contact").drop_nulls().unique().to_list()
        by_email = lookup(session, CONTACTS.c.email, values)
        by_id = lookup(session, CONTACTS.c.external_id, values)
        contacts = pl.concat([by_id, by_email]).unique("key", keep="first")
        out = out.drop("contact_id").join(
            contacts.select(pl.col("key").alias("contact"), pl.col("id").alias("contact_id")),
            on="contact",
            how="left",
            maintain_order="left",
        )
    return out
