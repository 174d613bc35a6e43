"""`dealplan forecast`, `forecast snapshot` and `forecast accuracy` by the CLI (PIPE-2, PIPE-4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import Cli

DATA = Path(__file__).resolve().parents[1] / "data" / "forecast"
Q4 = ("--quarter", "Q4", "--year", "2026", "--as-of", "2026-10-01")


def test_forecast_of_a_file_shows_the_three_methods_and_the_demotion_free_categories(
    cli: Cli, sqlite_url: str
) -> None:
    r = cli("forecast", "--pipeline", str(DATA / "pipeline.csv"), *Q4, "--json", "--db", sqlite_url)
    assert r.exit_code == 0, r.stderr
    data = r.json()
    assert data["forecasts"]["stage_weighted"] == pytest.approx(307.5)
    assert data["forecasts"]["category_weighted"] == pytest.approx(265.0)
    assert data["won_to_date"] == 40
    assert data["period"]["label"] == "2026-Q4"
    assert data["calibration"]["overall"]["closed"] == 1


def test_forecast_tables_and_chart_for_people(cli: Cli, sqlite_url: str, tmp_path: Path) -> None:
    chart = tmp_path / "forecast.png"
    r = cli(
        "forecast",
        "--pipeline",
        str(DATA / "pipeline.csv"),
        *Q4,
        "--chart",
        str(chart),
        "--db",
        sqlite_url,
    )
    assert r.exit_code == 0, r.stderr
    assert "Forecasts side by side" in r.stdout
    assert "P10" in r.stdout
    assert chart.read_bytes()[:4] == b"\x89PNG"


def test_forecasting_a_period_already_over_says_how_to_see_it_as_it_stood(
    cli: Cli, sqlite_url: str
) -> None:
    late = ("--quarter", "Q4", "--year", "2026", "--as-of", "2027-02-01")
    r = cli("forecast", "--pipeline", str(DATA / "pipeline.csv"), *late, "--db", sqlite_url)
    assert r.exit_code == 0, r.stderr
    assert "2026-Q4 ended on 2026-12-31, before the forecast day 2027-02-01" in r.stderr
    inside = cli("forecast", "--pipeline", str(DATA / "pipeline.csv"), *Q4, "--db", sqlite_url)
    assert "ended on" not in inside.stderr


@pytest.mark.parametrize(
    ("file", "args", "message"),
    [
        ("pipeline.csv", ("--quarter", "Q5"), "--quarter 'Q5' is not a quarter"),
        ("empty.csv", ("--quarter", "Q4"), "empty.csv:1:1:"),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_non_zero_exit(
    cli: Cli, sqlite_url: str, file: str, args: tuple[str, ...], message: str
) -> None:
    r = cli("forecast", "--pipeline", str(DATA / file), *args, "--db", sqlite_url)
    assert r.exit_code != 0
    assert message in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    ("file", "note"),
    [
        ("closed_only.csv", "no open deals"),
        ("no_amounts.csv", "2 open deals have no amount"),
    ],
)
def test_files_without_open_deals_or_amounts_get_a_sensible_answer(
    cli: Cli, sqlite_url: str, file: str, note: str
) -> None:
    r = cli("forecast", "--pipeline", str(DATA / file), *Q4, "--json", "--db", sqlite_url)
    assert r.exit_code == 0, r.stderr
    data = r.json()
    assert data["forecasts"]["stage_weighted"] == 0
    assert any(note in n for n in data["notes"])


def test_snapshot_then_accuracy_reports_error_and_bias_per_period_and_owner(
    cli: Cli, db_url: str
) -> None:
    r = cli("forecast", "accuracy", "--data", str(DATA / "actuals.csv"), "--db", db_url)
    assert r.exit_code != 0
    assert "no forecast snapshots" in r.stderr
    r = cli(
        "forecast",
        "snapshot",
        "--pipeline",
        str(DATA / "pipeline.csv"),
        *Q4,
        "--json",
        "--db",
        db_url,
    )
    assert r.exit_code == 0, r.stderr
    assert r.json()["rows"] == 9  # 3 methods x (team + ann + bob)
    early = cli(
        "forecast",
        "accuracy",
        "--data",
        str(DATA / "actuals.csv"),
        "--as-of",
        "2026-12-01",
        "--db",
        db_url,
    )
    assert early.exit_code != 0
    assert "2026-Q4" in early.stderr
    assert "ended" in early.stderr
    r = cli(
        "forecast",
        "accuracy",
        "--data",
        str(DATA / "actuals.csv"),
        "--as-of",
        "2027-01-05",
        "--json",
        "--db",
        db_url,
    )
    assert r.exit_code == 0, r.stderr
    data = r.json()
    team = {x["method"]: x for x in data["by_period"]}
    # actual Q4 won: Alpha 100 + Echo 40 = 140; stage-weighted forecast 307.5
    assert team["stage_weighted"]["error"] == pytest.approx(167.5)
    assert team["stage_weighted"]["bias"] == pytest.approx(167.5 / 140)
    owners = {(x["owner"], x["method"]): x for x in data["by_owner"]}
    assert owners[("ann", "stage_weighted")]["error"] == pytest.approx(147.5 - 140)
    assert owners[("bob", "stage_weighted")]["mape"] is None  # bob won nothing
    people = cli(
        "forecast",
        "accuracy",
        "--data",
        str(DATA / "actuals.csv"),
        "--as-of",
        "2027-01-05",
        "--db",
        db_url,
    )
    assert "Forecast accuracy by owner" in people.stdout
