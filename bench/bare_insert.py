"""The baseline for bench/import.py: a bare `sqlite3.executemany` of the same deal rows.

Run as `python -m bench.bare_insert CSV DB {schema|plain}`; prints the seconds the
executemany and commit took. `schema`: into the deals table of a freshly migrated dealplan
workspace (same columns, indexes and pragmas the import gets). `plain`: into a table of the
same columns with no index. The file is read before the clock starts.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import polars as pl

from dealplan.database import make_engine, migrate

COLUMNS = [
    "external_id",
    "name",
    "owner",
    "stage",
    "amount",
    "created_date",
    "close_date",
    "outcome",
    "competitor",
    "industry",
    "source",
    "currency",
]


def rows(csv: Path) -> list[tuple[object, ...]]:
    """The deal rows of the generated file, as the import would store them."""
    df = pl.read_csv(csv, infer_schema=False).select(
        pl.col("id").alias("external_id"),
        "name",
        "owner",
        "stage",
        pl.col("amount").cast(pl.Float64),
        "created_date",
        "close_date",
        "outcome",
        pl.col("competitor").replace("", None),
        "industry",
        pl.col("lead_source").alias("source"),
        pl.lit("USD").alias("currency"),
    )
    return df.rows()


def main() -> None:
    csv, db, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    data = rows(csv)
    if mode == "schema":
        engine = make_engine(f"sqlite:///{db}")
        migrate(engine)
        engine.dispose()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-131072")
    if mode == "plain":
        con.execute(f"CREATE TABLE deals (id INTEGER PRIMARY KEY, {', '.join(COLUMNS)})")
    placeholders = ", ".join("?" for _ in COLUMNS)
    started = time.perf_counter()
    sql = f"INSERT INTO deals ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    con.executemany(sql, data)
    con.commit()
    print(f"{time.perf_counter() - started:.3f}")
    con.close()


if __name__ == "__main__":
    main()
