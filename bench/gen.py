"""Generated opportunity files in the seed scripts' column format, for benchmarks."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl

STAGES = [
    "Prospecting",
    "Discovery",
    "Demonstrating",
    "Proving Value",
    "Proposal",
    "Paper Process",
    "Closed Won",
    "Closed Lost",
]
WEIGHTS = [20, 20, 15, 10, 8, 5, 12, 10]


def opportunities(rows: int, seed: int = 7) -> pl.DataFrame:
    """`rows` opportunities with realistic spreads of stage, amount and dates."""
    rng = random.Random(seed)
    start = dt.date(2024, 1, 1)
    stage = rng.choices(STAGES, WEIGHTS, k=rows)
    created = [start + dt.timedelta(days=rng.randrange(700)) for _ in range(rows)]
    close = [c + dt.timedelta(days=rng.randrange(20, 200)) for c in created]
    outcome = [
        "won" if s == "Closed Won" else "lost" if s == "Closed Lost" else "open" for s in stage
    ]
    return pl.DataFrame(
        {
            "id": [f"OPP-{i:08d}" for i in range(rows)],
            "name": [f"Deal {i}" for i in range(rows)],
            "account": [f"Account {rng.randrange(5000):05d}" for _ in range(rows)],
            "owner": [f"Seller {rng.randrange(200):03d}" for _ in range(rows)],
            "stage": stage,
            "amount": [round(rng.lognormvariate(10.5, 0.9), 2) for _ in range(rows)],
            "created_date": created,
            "close_date": close,
            "outcome": outcome,
            "competitor": rng.choices(["", "Acme", "Globex", "Initech", "build"], k=rows),
            "industry": rng.choices(["Finance", "Healthcare", "Retail", "Manufacturing"], k=rows),
            "lead_source": rng.choices(["Inbound", "Outbound", "Partner", "Event"], k=rows),
        }
    )


def write_csv(rows: int, path: Path, seed: int = 7) -> Path:
    """Write `rows` generated opportunities to `path` as CSV (ISO dates)."""
    opportunities(rows, seed).write_csv(path)
    return path
