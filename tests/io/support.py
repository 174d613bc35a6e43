"""Helpers for the import tests: fixture paths and a fingerprint of everything stored."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import dealplan.models  # noqa: F401  (fills the metadata)
from dealplan.database import Base, make_engine
from tests.conftest import SHARED_DATA

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good"
BAD = DATA / "bad"
MAVEN = SHARED_DATA / "maven-crm-sales-opportunities"
SALESFORCE = SHARED_DATA / "salesforce-devorg-demo-export"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL, None for other databases."""
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def fingerprint(url: str) -> dict[str, Any]:
    """Rows per table, a hash of every row, and for SQLite a hash of the file's bytes."""
    engine = make_engine(url)
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
                counts[table.name] = len(rows)
                digest.update(repr([tuple(r) for r in rows]).encode())
    finally:
        engine.dispose()
    out: dict[str, Any] = {"counts": counts, "rows": digest.hexdigest()}
    path = sqlite_file(url)
    if path is not None:
        out["file"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def says(output: str, fragment: str) -> bool:
    """Whether terminal `output` holds `fragment`, however the terminal wrapped it (Rich
    breaks long lines, even inside a long path)."""
    return "".join(fragment.split()) in "".join(output.split())
