"""Reading the workspace's current rows into Polars for the vectorised review.

One plain `SELECT` per table, only the columns the health rules read, fetched through the
driver without per-value conversion; dates, times and numbers are then typed column by column
in Polars (SQLite hands back ISO text, PostgreSQL native values; both end up the same).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.deal.review_json import HistoryElsewhere, PendingHistory
from dealplan.engines.health_frame import Tables
from dealplan.history.models import HistoryEntry

DATE, TIME, INT, FLOAT, TEXT = "date", "datetime", "int", "float", "text"

# table -> (column, type); JSON columns are read as text.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "deals": [
        ("id", INT),
        ("external_id", TEXT),
        ("name", TEXT),
        ("account_id", INT),
        ("owner", TEXT),
        ("stage", TEXT),
        ("outcome", TEXT),
        ("amount", FLOAT),
        ("close_date", DATE),
        ("closed_date", DATE),
        ("created_date", DATE),
        ("forecast_category", TEXT),
        ("competitor", TEXT),
        ("next_step", TEXT),
        ("next_step_date", DATE),
        ("eb_access", TEXT),
        ("eb_checklist", TEXT),
    ],
    "contacts": [
        ("id", INT),
        ("account_id", INT),
        ("name", TEXT),
        ("role", TEXT),
        ("influence", TEXT),
        ("support", TEXT),
        ("engagement", TEXT),
        ("relationship_depth", INT),
        ("personal_win", TEXT),
        ("professional_win", TEXT),
        ("chess", TEXT),
        ("created_at", TIME),
    ],
    "accounts": [("id", INT), ("name", TEXT)],
    "meddpicc_elements": [("id", INT), ("deal_id", INT), ("element", TEXT), ("status", TEXT)],
    "map_items": [
        ("id", INT),
        ("deal_id", INT),
        ("action", TEXT),
        ("side", TEXT),
        ("status", TEXT),
        ("due_date", DATE),
        ("customer_owner", TEXT),
        ("created_by_side", TEXT),
        ("completed_at", TIME),
    ],
    "map_milestones": [("id", INT), ("deal_id", INT)],
    "activities": [
        ("id", INT),
        ("deal_id", INT),
        ("type", TEXT),
        ("occurred_at", TIME),
        ("contact_id", INT),
        ("actor", TEXT),
        ("summary", TEXT),
    ],
    "gate_overrides": [
        ("id", INT),
        ("deal_id", INT),
        ("at", TIME),
        ("from_stage", TEXT),
        ("to_stage", TEXT),
        ("reason", TEXT),
        ("unmet", TEXT),
        ("actor", TEXT),
    ],
    "history": [
        ("id", INT),
        ("entity", TEXT),
        ("entity_id", INT),
        ("op", TEXT),
        ("field", TEXT),
        ("old", TEXT),
        ("new", TEXT),
        ("actor", TEXT),
        ("at", TIME),
    ],
}
JSON_COLUMNS = frozenset({"eb_checklist", "chess", "unmet"})
HISTORY_ENTITIES = ("deal", "contact", "map_item", "milestone")


def newest_history(session: Session) -> dt.datetime | None:
    """When the workspace last changed (the newest history row), None when it never did."""
    newest: dt.datetime | None = session.scalar(select(func.max(HistoryEntry.at)))
    return newest


def _typed(column: pl.Series, kind: str) -> pl.Series:
    if kind == DATE and column.dtype == pl.String:
        return column.str.to_date("%Y-%m-%d")
    if kind == TIME and column.dtype == pl.String:
        try:
            return column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us")
        except pl.exceptions.ComputeError:
            return column.str.to_datetime(time_unit="us")
    if kind == TIME:
        return column.cast(pl.Datetime("us"))
    if kind == DATE:
        return column.cast(pl.Date)
    if kind == INT:
        return column.cast(pl.Int64)
    if kind == FLOAT:
        return column.cast(pl.Float64)
    return column.cast(pl.String)


def _read(session: Session, table: str, where: str = "") -> pl.DataFrame:
    """The table's review columns (rows matching the SQL condition `where`), typed."""
    cols = COLUMNS[table]
    bind = session.get_bind()
    if bind.dialect.name == "sqlite" and all(kind != FLOAT for _, kind in cols):
        frame = read_sqlite_json(session, table, where)
    else:
        frame = read_rows(session, table, where)
    return frame.with_columns(_typed(frame[c], kind) for c, kind in cols)


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


# Rows per query of `read_sqlite_json`: bounds the text held at once (about 170 bytes a row).
JSON_BATCH = 250_000


def read_sqlite_json(session: Session, table: str, where: str = "") -> pl.DataFrame:
    """`read_rows` on SQLite, without a Python object per value: SQLite writes each batch of
    rows as one text of JSON lines (every value cast to text or integer, so escaping and
    NULLs are SQLite's JSON's), which Polars parses into columns. For tables without
    floating-point columns (JSON numbers would carry at most 15 digits)."""
    cols = COLUMNS[table]
    values = ", ".join(
        f"'{c}', CAST({c} AS INTEGER)" if kind == INT else f"'{c}', CAST({c} AS TEXT)"
        for c, kind in cols
    )
    schema = {c: pl.Int64 if kind == INT else pl.String for c, kind in cols}
    condition = f"AND ({where})" if where else ""
    cursor = _cursor(session)
    parts: list[pl.DataFrame] = []
    try:
        cursor.execute(f"SELECT min(rowid), max(rowid) FROM {table}")  # noqa: S608
        low, high = cursor.fetchone()
        for start in range(low or 0, (high or -1) + 1, JSON_BATCH):
            cursor.execute(
                f"SELECT group_concat(json_object({values}), char(10)) FROM {table} "  # noqa: S608
                f"WHERE rowid >= ? AND rowid < ? {condition}",
                (start, start + JSON_BATCH),
            )
            text = cursor.fetchone()[0]
            if text:
                parts.append(pl.read_ndjson(io.BytesIO(text.encode()), schema=schema))
    finally:
        cursor.close()
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts) if len(parts) > 1 else parts[0]


def read_accounts(session: Session) -> pl.DataFrame:
    """Account ids and names."""
    return _read(session, "accounts")


# Fewer history rows than this are read here: reading them takes less than the other
# process's start (measured: a loss at 100,000 rows, a gain of a second at 1,000,000).
HISTORY_ELSEWHERE_MIN = 300_000


def read_history(session: Session, *, upto: int | None = None) -> pl.DataFrame:
    """The history rows review reads (of deals, contacts, MAP items and milestones), those
    with an id up to `upto` when given."""
    entities = ", ".join(f"'{e}'" for e in HISTORY_ENTITIES)
    # Nearly every history row is wanted: on SQLite a unary `+` keeps the planner from going
    # through the (entity, entity_id, at) index row by row (a third slower than a scan).
    entity = "+entity" if session.get_bind().dialect.name == "sqlite" else "entity"
    bound = f" AND id <= {int(upto)}" if upto is not None else ""
    return _read(session, "history", f"{entity} IN ({entities}){bound}")


def history_elsewhere(session: Session, elsewhere: HistoryElsewhere) -> PendingHistory | None:
    """On SQLite, start reading the history in another process (see `read_tables`)."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    upto = session.scalar(select(func.max(HistoryEntry.id)))
    if upto is None or upto < HISTORY_ELSEWHERE_MIN:
        return None
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    return elsewhere(url, upto)


def read_tables(
    session: Session,
    *,
    owner: str | None = None,
    history: PendingHistory | None = None,
) -> Tables:
    """The current rows of every open deal (of `owner`) and of what hangs on them.

    `history`, from `history_elsewhere`, gives the history (the largest table) read by
    another process while this one reads the rest (None if that failed: then it is read
    here). That process reads the rows up to the newest id when the review began: history
    is append-only, so it never sees a change made after the review started, as a read
    here would not either."""
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
    read = history() if history is not None else None
    if read is None:
        read = read_history(session)
    return Tables(deals=deals.sort("id"), history=read, **tables)
