"""Turning names and external ids in a file into record ids, in bulk (one query per 500)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Column, Table, select
from sqlalchemy.orm import Session

from dealplan.io.store import Plan
from dealplan.models import Account

ACCOUNTS: Table = Account.__table__  # type: ignore[assignment]


def lookup(
    session: Session, key: Column[Any], values: Sequence[Any], *, also: Sequence[Column[Any]] = ()
) -> pl.DataFrame:
    """Rows `(key, id, *also)` of the table of `key` whose `key` is one of `values`."""
    table = key.table
    cols = [key, table.c.id, *also]
    rows: list[Any] = []
    for i in range(0, len(values), 500):
        rows += session.execute(select(*cols).where(key.in_(values[i : i + 500]))).all()
    schema: dict[str, Any] = {"key": _dtype(key), "id": pl.Int64}
    schema.update({c.name: _dtype(c) for c in also})
    return pl.DataFrame(rows, schema=schema, orient="row")


def _dtype(column: Column[Any]) -> Any:
    return pl.Int64 if column.type.python_type is int else pl.String


@dataclass
class AccountLinks:
    """`frame` gained `account_id` (negative = an account this import creates)."""

    frame: pl.DataFrame
    created: Plan | None
    warnings: list[str] = field(default_factory=list)


def link_file_accounts(
    session: Session,
    frame: pl.DataFrame,
    fields: set[str],
    provided: list[str],
    *,
    at: dt.datetime,
) -> AccountLinks:
    """`link_accounts` with the columns a profile maps (`__account` by name, `__account_ref`
    by external id); when the file names accounts, `account_id` joins `provided`."""
    links = link_accounts(
        session,
        frame,
        name="__account" if "account" in fields else None,
        ref="__account_ref" if "account_ref" in fields else None,
        at=at,
    )
    if "account" in fields or "account_ref" in fields:
        provided.append("account_id")
    return links


def link_accounts(
    session: Session,
    frame: pl.DataFrame,
    *,
    name: str | None,
    ref: str | None,
    at: dt.datetime,
) -> AccountLinks:
    """Give each row the id of its account: by external id (`ref`), else by name (`name`).

    Accounts named but not in the workspace are planned for creation, dated by the earliest
    `__created_at` of the rows naming them. An external id not in the workspace is a warning
    (the row stays unlinked): the accounts file may simply not have been imported yet.
    """
    warnings: list[str] = []
    out = frame.with_columns(pl.lit(None, pl.Int64).alias("account_id"))
    if ref is not None:
        refs = frame.get_column(ref).drop_nulls().unique().to_list()
        known = lookup(session, ACCOUNTS.c.external_id, refs)
        out = out.join(
            known.rename({"key": ref, "id": "__ref_id"}), on=ref, how="left", maintain_order="left"
        )
        out = out.with_columns(pl.col("__ref_id").alias("account_id")).drop("__ref_id")
        unknown = sorted(set(refs) - set(known.get_column("key").to_list()))
        if unknown:
            rows = out.filter(pl.col(ref).is_in(unknown)).height
            warnings.append(
                f"{rows:,} rows name an account id not in the workspace (e.g. {unknown[0]}); "
                "they are not linked to an account: import the accounts file first "
                "(dealplan import account.csv --kind accounts), then import this file again"
            )
    created = None
    if name is not None:
        wanted = out.filter(pl.col("account_id").is_null() & pl.col(name).is_not_null())
        names = wanted.get_column(name).unique().to_list()
        known = lookup(session, ACCOUNTS.c.name, names)
        new = (
            wanted.filter(~pl.col(name).is_in(known.get_column("key").implode()))
            .group_by(name, maintain_order=True)
            .agg(_first_created(wanted).alias("__created_at"))
        )
        new = new.with_columns(
            (-pl.int_range(1, pl.len() + 1, dtype=pl.Int64)).alias("__placeholder")
        )
        ids = pl.concat(
            [
                known.rename({"key": name, "id": "__name_id"}),
                new.select(pl.col(name), pl.col("__placeholder").alias("__name_id")),
            ]
        )
        out = (
            out.join(ids, on=name, how="left", maintain_order="left")
            .with_columns(pl.coalesce("account_id", "__name_id").alias("account_id"))
            .drop("__name_id")
        )
        inserts = new.select(
            pl.col(name).alias("name"),
            pl.col("__created_at").fill_null(at).clip(upper_bound=at).alias("created_at"),
            "__created_at",
            "__placeholder",
        )
        # Accounts already there count as unchanged: an opportunity import never edits them.
        empty = pl.DataFrame(schema={"id": pl.Int64})
        created = Plan("account", ACCOUNTS, inserts, empty, [], known.height)
    return AccountLinks(out, created, warnings)


def _first_created(frame: pl.DataFrame) -> pl.Expr:
    if "__created_at" in frame.columns:
        return pl.col("__created_at").min()
    return pl.lit(None, pl.Datetime("us")).first()
