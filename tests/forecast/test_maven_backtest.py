"""The monthly forecast backtest on the real Maven file (PIPE-4): the published table."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA
from tests.helpers import Cli

MAVEN = SHARED_DATA / "maven-crm-sales-opportunities"


def test_calibrated_monthly_mape_on_maven_is_under_half_the_better_baseline(
    cli: Cli, sqlite_url: str, tmp_path: Path
) -> None:
    chart = tmp_path / "backtest.png"
    r = cli(
        "backtest",
        "forecast",
        "--data",
        str(MAVEN / "sales_pipeline.csv"),
        "--profile",
        "maven",
        "--price-list",
        str(MAVEN / "products.csv"),
        "--freq",
        "month",
        "--json",
        "--chart",
        str(chart),
        "--db",
        sqlite_url,
    )
    assert r.exit_code == 0, r.stderr
    data = r.json()
    m = data["methods"]
    assert set(m) >= {"naive", "stage_weighted", "calibrated"}
    assert m["naive"]["mape"] == pytest.approx(0.388, abs=0.001)
    assert m["stage_weighted"]["mape"] == pytest.approx(0.728, abs=0.001)
    assert m["calibrated"]["mape"] == pytest.approx(0.164, abs=0.001)
    better = min(m["naive"]["mape"], m["stage_weighted"]["mape"])
    assert m["calibrated"]["mape"] <= better / 2
    assert [p["period"] for p in data["periods"]] == [f"2017-{k:02d}" for k in range(6, 13)]
    assert [s["period"] for s in data["skipped"]][-2:] == ["2017-04", "2017-05"]
    june = data["periods"][0]
    assert june["actual"] == 1_338_466
    assert june["forecasts"]["naive"] == 1_025_713
    assert chart.stat().st_size > 0
