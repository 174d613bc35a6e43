"""`dealplan forecast` of a deal file in the bench's column format, seen from an --as-of day
inside its history: the calibrated numbers worked out by hand (PIPE-2, PIPE-3).

As of 2025-11-15, forecasting 2025-Q4. The file's first close (2025-06-01) lets the timing
replay two past quarters: 2025-Q3 (seen from 2025-08-15) and 2025-Q2 (seen from 2025-05-15).

- OPP-1, won 2025-06-01, was open 14 days at 2025-05-15: age band 0, won in its window.
- OPP-2, lost 2025-09-01, was open 45 days at 2025-08-15: age band 1, closed but not won.

Neither window is a fourth quarter, so the pooled rates are used (prior strength 20, mean
value 100, overall won share 1/2): band 0 won rate (1 + 20 x 1/2) / 21 = 11/21, band 1
(0 + 10) / 21 = 10/21. Win rates by stage reached (both closed deals count at every stage,
their last open stage being unknown): Proposal (1 + 20 x 0.6) / 22 = 13/22, Discovery
(1 + 20 x 0.1) / 22 = 3/22; overall 1/2.

- OPP-3, Proposal, 1000, 45 days old at 2025-11-15 (band 1), closing 2025-12-01:
  10/21 x (13/22) / (1/2) = 130/231 -> 562.77; stage-weighted 1000 x 0.6 = 600 (best case).
- OPP-4, Discovery, 500, 5 days old (band 0), closing 2026-02-01 (after the quarter):
  11/21 x (3/22) / (1/2) = 1/7 -> 71.43; not in the stage- or category-weighted forecast.

Calibrated: 130000/231 + 500/7 = 146500/231 = 634.199...
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli

HEADER = (
    "id,name,account,owner,stage,amount,created_date,close_date,outcome,competitor,industry,"
    "lead_source"
)
ROWS = [
    "OPP-1,Deal 1,Account 1,Seller 1,Closed Won,100,2025-05-01,2025-06-01,won,,Retail,Inbound",
    "OPP-2,Deal 2,Account 2,Seller 1,Closed Lost,100,2025-07-01,2025-09-01,lost,Acme,Retail,"
    "Inbound",
    "OPP-3,Deal 3,Account 3,Seller 1,Proposal,1000,2025-10-01,2025-12-01,open,,Retail,Partner",
    "OPP-4,Deal 4,Account 4,Seller 2,Discovery,500,2025-11-10,2026-02-01,open,Acme,Finance,Event",
]
AS_OF = ("--quarter", "Q4", "--year", "2025", "--as-of", "2025-11-15", "--json")
CALIBRATED = 146500 / 231


def _write(tmp_path: Path, name: str, header: str, rows: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def _forecast(cli: Cli, db: str, path: str) -> Any:
    r = cli("forecast", "--pipeline", path, *AS_OF, "--db", db)
    assert r.exit_code == 0, r.stderr
    return r.json()


def test_forecast_as_of_a_day_in_the_file_learns_from_the_quarters_before_it(
    cli: Cli, sqlite_url: str, tmp_path: Path
) -> None:
    data = _forecast(cli, sqlite_url, _write(tmp_path, "deals.csv", HEADER, ROWS))
    assert data["forecasts"] == {
        "stage_weighted": pytest.approx(600.0),
        "category_weighted": pytest.approx(600.0),
        "calibrated": pytest.approx(CALIBRATED),
    }
    timing = data["timing"]
    assert timing["windows"] == ["2025-Q3", "2025-Q2"]
    rates = {b["band"]: b["won_rate"] for b in timing["bands"]}
    assert rates[0] == pytest.approx(11 / 21)
    assert rates[1] == pytest.approx(10 / 21)
    owners = {o["owner"]: o["calibrated"] for o in data["owners"]}
    assert owners == {
        "Seller 1": pytest.approx(130000 / 231),
        "Seller 2": pytest.approx(500 / 7),
    }
    assert data["categories"] == [
        {"category": "best_case", "deals": 1, "value": 1000.0, "in_period": 1},
        {"category": "upside", "deals": 1, "value": 500.0, "in_period": 0},
    ]
    assert data["demotions"] == []
    dist = data["distribution"]
    # OPP-3 is lost with chance 101/231 < 1/2 and both win with chance 130/231 x 1/7 < 1/10.
    assert (dist["p10"], dist["p50"], dist["p90"]) == (0.0, 1000.0, 1000.0)


def test_commit_deal_failing_the_checklist_is_demoted_when_the_file_states_no_category(
    cli: Cli, sqlite_url: str, tmp_path: Path
) -> None:
    # OPP-5: a manual 95% (commit) with explicit_yes false: best case, listed by id and name.
    # It adds 200 x 0.95 stage-weighted, 200 x 0.6 (best case) category-weighted and, being
    # 75 days old (band 2: no past deal, close rate 1), 200 x 0.95 x 1 calibrated.
    rows = [f"{r},," for r in ROWS]
    rows.append(
        "OPP-5,Deal 5,Account 5,Seller 2,Paper Process,200,2025-09-01,2025-12-15,open,,"
        "Retail,Inbound,0.95,false"
    )
    path = _write(tmp_path, "checklist.csv", HEADER + ",probability,explicit_yes", rows)
    data = _forecast(cli, sqlite_url, path)
    assert data["forecasts"] == {
        "stage_weighted": pytest.approx(790.0),
        "category_weighted": pytest.approx(720.0),
        "calibrated": pytest.approx(CALIBRATED + 190.0),
    }
    assert data["demotions"] == [
        {
            "id": "OPP-5",
            "name": "Deal 5",
            "owner": "Seller 2",
            "amount": 200.0,
            "reasons": ["explicit_yes"],
        }
    ]
    assert data["categories"] == [
        {"category": "best_case", "deals": 2, "value": 1200.0, "in_period": 2},
        {"category": "upside", "deals": 1, "value": 500.0, "in_period": 0},
    ]


def test_stated_categories_give_the_same_forecast_as_the_probability_bands(
    cli: Cli, sqlite_url: str, tmp_path: Path
) -> None:
    stated = [f"{r}," for r in ROWS[:2]]
    stated += [f"{ROWS[2]},Best Case", f"{ROWS[3]},upside"]
    path = _write(tmp_path, "stated.csv", HEADER + ",forecast_category", stated)
    data = _forecast(cli, sqlite_url, path)
    assert data["forecasts"] == {
        "stage_weighted": pytest.approx(600.0),
        "category_weighted": pytest.approx(600.0),
        "calibrated": pytest.approx(CALIBRATED),
    }
    assert [c["category"] for c in data["categories"]] == ["best_case", "upside"]
