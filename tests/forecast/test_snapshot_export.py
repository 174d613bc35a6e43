"""Stored forecast snapshots travel with the workspace document (PIPE-4, workspace format)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from dealplan.database import open_workspace
from dealplan.engines.deal_frame import conform
from dealplan.engines.forecast import forecast
from dealplan.engines.forecast_period import parse_period
from dealplan.forecast import service
from dealplan.forecast.settings import forecast_settings
from tests.helpers import Cli


def test_exported_snapshots_restore_into_a_new_workspace_byte_for_byte(
    cli: Cli, db_url: str, sqlite_url: str, tmp_path: Path
) -> None:
    deals = conform(
        pl.LazyFrame(
            {
                "id": ["1", "2"],
                "owner": ["ann", "bob"],
                "outcome": ["open", "open"],
                "stage_probability": [0.6, 0.8],
                "amount": [100.0, 200.0],
                "close_date": [dt.date(2026, 11, 1), dt.date(2026, 12, 1)],
            }
        )
    )
    period = parse_period(quarter="Q4", month=None, year=2026, as_of=dt.date(2026, 10, 1))
    result = forecast(deals, period, dt.date(2026, 10, 1), forecast_settings())
    with open_workspace(db_url) as session:
        rows = service.store(
            session=session, result=result, taken_at=dt.datetime(2026, 10, 1, 9, 30)
        )
    assert rows == 9
    first = tmp_path / "ws.json"
    assert cli("export", "--format", "json", "-o", str(first), "--db", db_url).exit_code == 0
    assert cli("restore", str(first), "--db", sqlite_url).exit_code == 0
    second = tmp_path / "again.json"
    assert cli("export", "--format", "json", "-o", str(second), "--db", sqlite_url).exit_code == 0
    text = first.read_text(encoding="utf-8")
    assert '"forecast_snapshots"' in text
    assert second.read_text(encoding="utf-8") == text
    with open_workspace(sqlite_url) as session:
        stored = service.snapshots(session=session)
    team = {r["method"]: r["forecast"] for r in stored if r["owner"] is None}
    assert team["stage_weighted"] == pytest.approx(100 * 0.6 + 200 * 0.8)
