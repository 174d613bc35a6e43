"""On SQLite, review reads tables as JSON lines written by SQLite itself; the frames must be
exactly those the driver's own rows give (names with quotes, newlines, control characters
and non-ASCII letters included)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from bench.gen_workspace import generate
from sqlalchemy import text
from sqlalchemy.orm import Session

from dealplan.database import make_engine, session_factory
from dealplan.deal import review_sql
from dealplan.deal.review_read import read_rows
from dealplan.deal.review_sql import COLUMNS, FLOAT, INT, read_sqlite_json


def _as_json(session: Session, table: str, where: str = "") -> pl.DataFrame:
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        return read_sqlite_json(cursor, table, where)
    finally:
        cursor.close()


AWKWARD = 'Zoë "Z" O\'Neil\\n\nline two\x1f\t€ 😀'


def test_tables_read_as_json_lines_equal_the_drivers_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    generate(url, 60).dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        named = text("UPDATE contacts SET name = :n, chess = NULL WHERE id = 1")
        conn.execute(named, {"n": AWKWARD})
        conn.execute(
            text("UPDATE history SET actor = :n, new = :j WHERE id = 2"),
            {"n": AWKWARD, "j": '{"a": "b\\"c", "n": null}'},
        )
    tables = [t for t, cols in COLUMNS.items() if all(k != FLOAT for _, k in cols)]
    assert "history" in tables
    with session_factory(engine)() as session:
        for table in tables:
            rows = read_rows(session, table)
            as_json = _as_json(session, table)
            typed = rows.with_columns(
                rows[c].cast(pl.Int64) if k == INT else rows[c].cast(pl.String)
                for c, k in COLUMNS[table]
            )
            assert as_json.equals(typed), table
        names = _as_json(session, "contacts").filter(pl.col("id") == 1)["name"]
        assert names.to_list() == [AWKWARD]
    engine.dispose()


def test_json_lines_come_in_batches_without_losing_or_repeating_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    generate(url, 40).dispose()
    engine = make_engine(url)
    monkeypatch.setattr(review_sql, "JSON_BATCH", 7)
    with session_factory(engine)() as session:
        batched = _as_json(session, "history", "op = 'update'")
        whole = read_rows(session, "history", "op = 'update'")
    engine.dispose()
    assert batched.height == whole.height > 7
    assert batched["id"].to_list() == whole["id"].cast(pl.Int64).to_list()
