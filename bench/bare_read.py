"""Baseline for bench/review.py: a bare read of the rows `review` needs, in the same run.

Run as `python -m bench.bare_read URL`; prints seconds. Reads every open deal, its account,
the committees, MEDDPICC elements, MAP items, activities and all their history with plain
`SELECT`s through the same driver, fetching every row into Python tuples.
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import text

from dealplan.database import make_engine

QUERIES = [
    "SELECT * FROM deals WHERE outcome = 'open'",
    "SELECT * FROM accounts",
    "SELECT * FROM contacts",
    "SELECT * FROM meddpicc_elements",
    "SELECT * FROM map_items",
    "SELECT * FROM map_milestones",
    "SELECT * FROM risks",
    "SELECT * FROM activities",
    "SELECT * FROM gate_overrides",
    "SELECT * FROM history",
]


def main() -> None:
    engine = make_engine(sys.argv[1])
    with engine.connect() as conn:
        started = time.perf_counter()
        rows = sum(len(conn.execute(text(q)).fetchall()) for q in QUERIES)
        took = time.perf_counter() - started
    engine.dispose()
    print(f"{took:.3f} {rows}")


if __name__ == "__main__":
    main()
