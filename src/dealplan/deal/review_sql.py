"""The rows review reads, at the driver's level: which columns of which tables, how they are
typed in Polars, and SQLite's fast way of handing them over (no SQLAlchemy here).

`review_read` reads them through a session; a worker process reads the history through the
standard `sqlite3` module with these same queries (`sqlite_history_file`), so that it needs
no more than Polars to start.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl

from dealplan.deal.review_pool import connect_sqlite

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


def typed(column: pl.Series, kind: str) -> pl.Series:
    """A column as read (SQLite's ISO text, or PostgreSQL's native values) as its type."""
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


def typed_frame(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """The table's columns as read, each as its type."""
    return frame.with_columns(typed(frame[c], kind) for c, kind in COLUMNS[table])


def history_where(*, sqlite: bool, upto: int | None = None, after: int | None = None) -> str:
    """The condition on the history rows review reads (of deals, contacts, MAP items and
    milestones), with an id up to `upto` and after `after` when given."""
    entities = ", ".join(f"'{e}'" for e in HISTORY_ENTITIES)
    # Nearly every history row is wanted: on SQLite a unary `+` keeps the planner from going
    # through the (entity, entity_id, at) index row by row (a third slower than a scan).
    where = f"{'+entity' if sqlite else 'entity'} IN ({entities})"
    if upto is not None:
        where += f" AND id <= {int(upto)}"
    if after is not None:
        where += f" AND id > {int(after)}"
    return where


# Rows per query of `read_sqlite_json`: bounds the text held at once (about 170 bytes a row).
JSON_BATCH = 250_000


def read_sqlite_json(cursor: Any, table: str, where: str = "") -> pl.DataFrame:
    """The table's review columns (rows matching the SQL condition `where`), untyped, read
    through a `sqlite3` cursor without a Python object per value: SQLite writes each batch of
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
    parts: list[pl.DataFrame] = []
    cursor.execute(f"SELECT min(rowid), max(rowid) FROM {table}")  # noqa: S608 (constants)
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
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts) if len(parts) > 1 else parts[0]


def sqlite_history_file(path: str, out: str) -> tuple[str, int]:
    """In a worker: the history rows review reads from the SQLite workspace file `path`, those
    up to the newest id when the read began, typed and written to the Arrow IPC file `out`.
    Returns `out` and that id (0 when there is no history)."""
    con = connect_sqlite(path)
    try:
        cursor = con.cursor()
        cursor.execute("SELECT max(id) FROM history")
        upto = int(cursor.fetchone()[0] or 0)
        rows = read_sqlite_json(cursor, "history", history_where(sqlite=True, upto=upto))
    finally:
        con.close()
    typed_frame(rows, "history").write_ipc(out)
    return out, upto
