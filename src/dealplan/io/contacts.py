"""Contacts (ACC-2): typed fields to contact rows, linked to accounts and to their managers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import Table
from sqlalchemy.orm import Session

from dealplan.io import prepare, store
from dealplan.io.prepare import Typed
from dealplan.io.problems import Problem
from dealplan.io.references import link_file_accounts, lookup
from dealplan.io.source import Source
from dealplan.methodology import StageModel
from dealplan.models import Contact

CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
DIRECT = (
    "external_id",
    "title",
    "email",
    "phone",
    "location",
    "linkedin",
    "role",
    "influence",
    "support",
    "engagement",
    "relationship_depth",
    "notes",
    "domain",
    "professional_win",
    "personal_win",
    "professional_risk",
    "created_at",
)
KEYS = (
    store.Key("external_id", pl.col("external_id"), ("external_id",)),
    store.Key("email", pl.col("email").str.to_lowercase(), ("email",)),
    store.Key(
        "account_name",
        pl.concat_str([pl.col("account_id").cast(pl.String), pl.lit("|"), pl.col("name")]),
        ("name", "account_id"),
    ),
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
    """Accounts to create, then contacts to create or update; `reports_to` is resolved
    against the file and the workspace (by id, email or name) before anything is written."""
    del model
    fields = typed.fields
    frame = typed.frame.with_columns(_name(fields).alias("__name"))
    name_at = next((found[n] for n in ("name", "first_name", "last_name") if n in found), None)
    problems = prepare.rows_where(
        source, frame, pl.col("__name").is_null(), name_at, "the contact has no name"
    )
    if "external_id" in fields:
        problems += prepare.duplicates(source, frame, "external_id", found["external_id"], "id")
    if problems or typed.problems:
        return [], problems, []
    provided = [n for n in DIRECT if n in fields]
    rows = frame.select(
        "__row",
        *[pl.col(n) for n in provided],
        pl.col("__name").alias("name"),
        *([pl.col("account").alias("__account")] if "account" in fields else []),
        *([pl.col("account_ref").alias("__account_ref")] if "account_ref" in fields else []),
        *([pl.col("reports_to").alias("__reports_to")] if "reports_to" in fields else []),
    )
    provided.append("name")
    created = pl.col("created_at") if "created_at" in fields else pl.lit(None, pl.Datetime("us"))
    rows = rows.with_columns(
        created.alias("__created_at"), created.fill_null(at).alias("created_at")
    )
    links = link_file_accounts(session, rows, fields, provided, at=at)
    rows = links.frame
    wanted = [*provided, "external_id", "email", "name", "account_id"]
    if "reports_to" in fields:
        wanted.append("reports_to_id")
    wanted = list(dict.fromkeys(wanted))
    if "email" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.String).alias("email"))
    if "external_id" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.String).alias("external_id"))
    found_rows = store.existing(session, CONTACTS, rows, KEYS, wanted)
    matched = store.match(rows, found_rows, KEYS).with_columns(
        (-(pl.col("__row").cast(pl.Int64) + 1)).alias("__placeholder")
    )
    deferred: tuple[str, ...] = ()
    if "reports_to" in fields:
        matched, problems = _reports_to(session, source, matched, found["reports_to"])
        if problems:
            return [], problems, links.warnings
        provided.append("reports_to_id")
        deferred = ("reports_to_id",)
    contact_plan = store.diff(
        "contact",
        CONTACTS,
        matched,
        found_rows,
        provided,
        deferred=deferred,
        remap={"account_id": "account"},
    )
    plans = [p for p in (links.created, contact_plan) if p is not None]
    return plans, [], links.warnings


def _name(fields: set[str]) -> pl.Expr:
    parts = [pl.col(n) for n in ("first_name", "last_name") if n in fields]
    options = [pl.col("name")] if "name" in fields else []
    if parts:
        options.append(pl.concat_str(parts, separator=" ", ignore_nulls=True).replace("", None))
    return pl.coalesce(options)


def _tokens(frame: pl.DataFrame, target: pl.Expr) -> pl.DataFrame:
    """(token, target) pairs: a contact can be named by external id, email or name."""
    return pl.concat(
        [
            frame.select(pl.col(c).cast(pl.String).alias("token"), target.alias("target"))
            for c in ("external_id", "email", "name")
        ]
    ).drop_nulls("token")


def _reports_to(
    session: Session, source: Source, matched: pl.DataFrame, index: int
) -> tuple[pl.DataFrame, list[Problem]]:
    """`reports_to_id` for each row: the contact in this file or the workspace it names."""
    values = matched.get_column("__reports_to").drop_nulls().unique().to_list()
    table = CONTACTS
    in_store = pl.concat(
        [
            lookup(session, table.c[c], values).select(
                pl.col("key").alias("token"), pl.col("id").alias("target")
            )
            for c in ("external_id", "email", "name")
        ]
    )
    in_file = _tokens(matched, pl.coalesce("id", "__placeholder"))
    # The file wins over the workspace for a token both have; a token naming two different
    # contacts (two people of the same name) is ambiguous.
    candidates = (
        pl.concat(
            [
                in_file.with_columns(pl.lit(0).alias("rank")),
                in_store.with_columns(pl.lit(1).alias("rank")),
            ]
        )
        .unique(["token", "target"])
        .filter(pl.col("rank") == pl.col("rank").min().over("token"))
        .group_by("token")
        .agg(pl.col("target").first(), pl.col("target").n_unique().alias("n"))
    )
    out = matched.join(
        candidates.rename({"token": "__reports_to"}),
        on="__reports_to",
        how="left",
        maintain_order="left",
    )
    has = pl.col("__reports_to").is_not_null()
    problems = prepare.rows_where(
        source,
        out,
        has & pl.col("target").is_null(),
        index,
        pl.format('no contact "{}" in this file or the workspace', pl.col("__reports_to")),
    )
    problems += prepare.rows_where(
        source,
        out,
        has & (pl.col("n") > 1),
        index,
        pl.format(
            '"{}" names more than one contact; use their id or email', pl.col("__reports_to")
        ),
    )
    out = out.with_columns(pl.col("target").alias("reports_to_id")).drop("target", "n")
    return out, problems
