"""Accounts: typed fields to account rows, matched by external id, then by name."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from dealplan.io import prepare, store
from dealplan.io.prepare import Typed
from dealplan.io.problems import Problem
from dealplan.io.references import ACCOUNTS
from dealplan.io.source import Source
from dealplan.methodology import StageModel

DIRECT = (
    "external_id",
    "name",
    "industry",
    "employees",
    "revenue",
    "owner",
    "subsidiary_of",
    "tier",
    "arr",
    "notes",
    "created_at",
)
HQ_PARTS = ("hq_city", "hq_state", "hq_country")
KEYS = (
    store.Key("external_id", pl.col("external_id"), ("external_id",)),
    store.Key("name", pl.col("name"), ("name",)),
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
    """The accounts to create or update; problems for nameless and duplicate rows."""
    del model
    fields = typed.fields
    frame = typed.frame
    problems = prepare.rows_where(
        source, frame, pl.col("name").is_null(), found["name"], "the account has no name"
    )
    problems += prepare.duplicates(source, frame, "name", found["name"], "account name")
    if "external_id" in fields:
        problems += prepare.duplicates(source, frame, "external_id", found["external_id"], "id")
    if problems or typed.problems:
        return [], problems, []
    provided = [n for n in DIRECT if n in fields]
    exprs = [pl.col("__row"), *[pl.col(n) for n in provided]]
    parts = [pl.col(p) for p in HQ_PARTS if p in fields]
    if "hq" in fields or parts:
        options = [pl.col("hq")] if "hq" in fields else []
        if parts:
            joined = pl.concat_str(parts, separator=", ", ignore_nulls=True)
            options.append(joined.replace("", None))
        exprs.append(pl.coalesce(options).alias("hq"))
        provided.append("hq")
    rows = frame.select(exprs)
    created = pl.col("created_at") if "created_at" in fields else pl.lit(None, pl.Datetime("us"))
    rows = rows.with_columns(
        created.alias("__created_at"), created.fill_null(at).alias("created_at")
    )
    found_rows = store.existing(session, ACCOUNTS, rows, KEYS, [*provided, "name", "external_id"])
    matched = store.match(rows, found_rows, KEYS)
    problems = _name_taken(source, matched, found_rows, found["name"])
    if problems:
        return [], problems, []
    return [store.diff("account", ACCOUNTS, matched, found_rows, provided)], [], []


def _name_taken(
    source: Source, matched: pl.DataFrame, found_rows: pl.DataFrame, index: int
) -> list[Problem]:
    """Rows renaming their account to the name another account already has."""
    owners = found_rows.select(pl.col("name"), pl.col("id").alias("__owner"))
    clash = matched.join(owners, on="name", how="inner").filter(
        pl.col("id").is_not_null() & (pl.col("id") != pl.col("__owner"))
    )
    return prepare.rows_where(
        source,
        clash,
        pl.lit(True),
        index,
        pl.format("the name is already used by another account (#{})", pl.col("__owner")),
    )
