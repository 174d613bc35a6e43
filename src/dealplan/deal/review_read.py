"""Reading the workspace's current rows into Polars for the vectorised review.

One plain `SELECT` per table, only the columns the health rules read, fetched through the
driver without per-value conversion; dates, times and numbers are then typed column by column
in Polars (SQLite hands back ISO text, PostgreSQL native values; both end up the same).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.deal.review_pool import PendingHistory
from dealplan.deal.review_sql import (
    COLUMNS,
    FLOAT,
    JSON_COLUMNS,
    history_where,
    read_sqlite_json,
    typed_frame,
)
from dealplan.engines.health_frame import Tables
from dealplan.history.models import HistoryEntry


def newest_history(session: Session) -> dt.datetime | None:
    """When the workspace last changed (the newest history row), None when it never did."""
    newest: dt.datetime | None = session.scalar(select(func.max(HistoryEntry.at)))
    return newest


def _read(session: Session, table: str, where: str = "") -> pl.DataFrame:
    """The table's review columns (rows matching the SQL condition `where`), typed."""
    cols = COLUMNS[table]
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and all(kind != FLOAT for _, kind in cols):
        cursor = _cursor(session)
        try:
            frame = read_sqlite_json(cursor, table, where)
        finally:
            cursor.close()
    else:
        frame = read_rows(session, table, where)
    return typed_frame(frame, table)


def _cursor(session: Session) -> Any:
    # The driver's own cursor: plain tuples, without SQLAlchemy's row objects.
    return session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def read_rows(session: Session, table: str, where: str = "") -> pl.DataFrame:
    """The table's review columns, untyped, fetched as the driver's tuples."""
    cols = COLUMNS[table]
    names = ", ".join(f"CAST({c} AS TEXT)" if c in JSON_COLUMNS else c for c, _ in cols)
    cursor = _cursor(session)
    try:
        condition = f"WHERE {where}" if where else ""
        cursor.execute(f"SELECT {names} FROM {table} {condition}")  # noqa: S608 (constants)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    # Column by column is about twice as fast as Polars reading the rows one by one.
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(cols)
    return pl.DataFrame(
        [pl.Series(c, values) for (c, _), values in zip(cols, columns, strict=True)]
    )


def read_accounts(session: Session) -> pl.DataFrame:
    """Account ids and names."""
    return _read(session, "accounts")


def read_history(
    session: Session, *, upto: int | None = None, after: int | None = None
) -> pl.DataFrame:
    """The history rows review reads (of deals, contacts, MAP items and milestones), those
    with an id up to `upto` and after `after` when given."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    return _read(session, "history", history_where(sqlite=sqlite, upto=upto, after=after))


def read_tables(
    session: Session,
    *,
    owner: str | None = None,
    history: PendingHistory | None = None,
) -> Tables:
    """The current rows of every open deal (of `owner`) and of what hangs on them.

    `history` gives the history (the largest table) read by a worker process while this
    one started and read the rest (`review_pool.Builders.start_early`; None if that failed:
    then it is read here). The worker read the rows up to the newest id when it began, and
    the rows written since are read here: history is append-only, and with SQLite's one
    writer at a time a row committed later always has a larger id."""
    deals = _read(session, "deals", "outcome = 'open'")
    if owner is not None:
        deals = deals.filter(pl.col("owner") == owner)
    tables = {
        "contacts": _read(session, "contacts"),
        "meddpicc": _read(session, "meddpicc_elements"),
        "items": _read(session, "map_items"),
        "milestones": _read(session, "map_milestones"),
        "activities": _read(session, "activities"),
        "overrides": _read(session, "gate_overrides"),
    }
    elsewhere = history() if history is not None else None
    if elsewhere is None:
        read = read_history(session)
    else:
        read, upto = elsewhere
        since = read_history(session, after=upto)
        read = pl.concat([read, since]) if since.height else read
    return Tables(deals=deals.sort("id"), history=read, **tables)
