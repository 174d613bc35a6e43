"""CSV export of a workspace: one file per table, safe to open in a spreadsheet (PLAT-5, PLAT-7)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.orm import Session

from dealplan.workspace.exchange import table_rows, tables

# A cell starting with one of these is run as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Return text a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def cell(value: Any, is_json: bool) -> Any:
    """The CSV cell for a value: JSON columns as JSON text, text neutralised, None empty."""
    if value is None:
        return ""
    if is_json:
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, str):
        return neutralise(value)
    return value


def export_csv(*, session: Session, directory: Path) -> dict[str, Path]:
    """Write `<table>.csv` for every table into `directory`; returns the files by table."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for t in tables():
        json_cols = {c.name for c in t.columns if isinstance(c.type, JSON)}
        path = directory / f"{t.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            names = [c.name for c in t.columns]
            writer.writerow(names)
            for row in table_rows(session, t):
                writer.writerow([cell(row[n], n in json_cols) for n in names])
        written[t.name] = path
    return written
