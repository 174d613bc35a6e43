"""`dealplan pipeline` (PIPE-1) on small deal files, every number worked out by hand.

small.csv as of 2026-02-15 (day 46 of 90 of 2026-Q1: mid quarter, target 3x), quota 100,000:
open D1 Discovery 100k, D2 Proposal 200k, D3 Paper Process 50k (manual 95%), D4 Pipeline
Generation 50k; won W1 80k (60 days), W2 40k (30 days); lost L1 60k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli

DATA = Path(__file__).resolve().parents[1] / "data" / "pipeline"
SMALL = str(DATA / "small.csv")


@pytest.fixture
def small(cli: Cli) -> Any:
    result = cli(
        "pipeline", "--data", SMALL, "--as-of", "2026-02-15", "--quota", "100000", "--json"
    )
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_totals_count_open_won_and_lost_and_weight_open_deals_by_stage_or_manual_probability(
    small: Any,
) -> None:
    assert small["totals"] == {
        "deals": 7,
        "open_deals": 4,
        "open_value": 400_000.0,
        # 10% x 100k + 60% x 200k + 95% (manual wins) x 50k + 5% x 50k
        "weighted_value": 180_000.0,
        "won_deals": 2,
        "won_value": 120_000.0,
        "lost_deals": 1,
        "lost_value": 60_000.0,
        "open_without_amount": 0,
    }


def test_stages_list_every_open_stage_in_order_and_no_closed_stage(small: Any) -> None:
    rows = {s["stage"]: (s["count"], s["value"], s["weighted"]) for s in small["stages"]}
    assert list(rows) == [
        "Pipeline Generation",
        "Discovery",
        "Demonstrating",
        "Proving Value",
        "Proposal",
        "Paper Process",
    ]
    assert rows["Discovery"] == (1, 100_000.0, 10_000.0)
    assert rows["Proposal"] == (1, 200_000.0, 120_000.0)
    assert rows["Paper Process"] == (1, 50_000.0, 47_500.0)
    assert rows["Demonstrating"] == (0, 0.0, 0.0)


def test_coverage_is_open_pipeline_over_quota_against_the_mid_quarter_target(small: Any) -> None:
    cov = small["coverage"]
    assert (cov["quarter"], cov["day_of_quarter"], cov["phase"]) == ("2026-Q1", 46, "mid")
    assert (cov["ratio"], cov["target_min"], cov["status"]) == (4.0, 3.0, "above")


def test_late_in_the_quarter_the_target_is_one_and_a_half_to_two_times(cli: Cli) -> None:
    result = cli(
        "pipeline", "--data", SMALL, "--as-of", "2026-03-25", "--quota", "300000", "--json"
    )
    cov = result.json()["coverage"]
    assert (cov["phase"], cov["target_min"], cov["target_max"]) == ("late", 1.5, 2.0)
    assert (cov["ratio"], cov["status"]) == (1.3333, "below")


def test_coverage_by_category_is_cumulative_and_derives_missing_categories_from_probability(
    small: Any,
) -> None:
    rows = {r["category"]: r for r in small["coverage_by_category"]["rows"]}
    # commit: D2 (given) + D3 (95% manual probability) = 250k
    assert (rows["commit"]["cumulative_value"], rows["commit"]["ratio"]) == (250_000.0, 2.5)
    assert rows["commit"]["derived"] == 1
    assert rows["best_case"]["ratio"] == 2.5
    assert (rows["pipeline"]["cumulative_value"], rows["pipeline"]["ratio"]) == (350_000.0, 3.5)
    # D4: no category, 5% stage probability -> upside
    assert (rows["upside"]["count"], rows["upside"]["value"]) == (1, 50_000.0)
    assert all(rows[c]["met"] for c in ("commit", "best_case", "pipeline"))


def test_stage_mix_maps_six_open_stages_onto_the_five_healthy_buckets(small: Any) -> None:
    mix = {b["bucket"]: (b["stages"], b["share"], b["gap"]) for b in small["stage_mix"]["buckets"]}
    assert mix["Discovery"] == (["Pipeline Generation", "Discovery"], 0.375, -0.025)
    assert mix["Scoping"] == (["Demonstrating"], 0.0, -0.25)
    assert mix["Proposal"] == (["Proposal"], 0.5, 0.4)
    assert mix["Closing"] == (["Paper Process"], 0.125, 0.075)
    flagged = [f["message"] for f in small["findings"] if f["check"] == "stage_mix"]
    assert len(flagged) == 3  # Scoping, Validation and Proposal are more than 10 points off


def test_hygiene_lists_stale_overdue_stepless_and_quiet_deals_with_their_numbers(
    small: Any,
) -> None:
    h = small["hygiene"]
    stale = h["stale"]["deals"]
    assert [(d["id"], d["days_in_stage"], d["norm_days"]) for d in stale] == [("D2", 45, 21)]
    assert [(d["id"], d["days_overdue"], d["line"]) for d in h["close_date_past"]["deals"]] == [
        ("D2", 15, 3)
    ]
    assert [d["id"] for d in h["no_next_step"]["deals"]] == ["D2"]
    quiet = h["no_recent_activity"]
    assert (quiet["count"], quiet["value"]) == (2, 250_000.0)
    assert [(d["id"], d["days_since_activity"]) for d in quiet["deals"]] == [
        ("D2", 26),
        ("D4", None),
    ]


def test_a_deal_over_forty_percent_of_pipeline_is_critical_and_exactly_25_is_not_flagged(
    small: Any,
) -> None:
    deals = small["concentration"]["deals"]
    assert [(d["id"], d["share"], d["level"]) for d in deals] == [("D2", 0.5, "critical")]


def test_velocity_uses_the_closed_deals_of_the_same_file(small: Any) -> None:
    v = small["velocity"]
    # 4 open x 2/3 won x 60,000 average won / 45 days average cycle
    assert (v["win_rate"], v["average_deal"], v["cycle_days"]) == (0.6667, 60_000.0, 45.0)
    assert v["per_day"] == 3555.56


def test_without_a_quota_coverage_is_not_computed_and_says_so(cli: Cli) -> None:
    for extra in ([], ["--quota", "0"]):
        result = cli("pipeline", "--data", SMALL, "--as-of", "2026-02-15", "--json", *extra)
        assert result.exit_code == 0
        cov = result.json()["coverage"]
        assert cov["computed"] is False
        assert cov["ratio"] is None
        assert "coverage not computed" in cov["reason"]


def test_a_file_of_only_closed_deals_has_no_pipeline_but_a_velocity_reason(cli: Cli) -> None:
    result = cli(
        "pipeline", "--data", str(DATA / "only_closed.csv"), "--as-of", "2026-02-15", "--json"
    )
    doc = result.json()
    assert doc["totals"]["open_deals"] == 0
    assert any("no open deals" in f["message"] for f in doc["findings"])
    assert doc["velocity"]["win_rate"] == 0.5


def test_open_deals_without_amounts_are_counted_and_reported(cli: Cli) -> None:
    result = cli(
        "pipeline", "--data", str(DATA / "no_amounts.csv"), "--as-of", "2026-02-15", "--json"
    )
    doc = result.json()
    assert (doc["totals"]["open_deals"], doc["totals"]["open_without_amount"]) == (2, 2)
    assert doc["concentration"]["computed"] is False
    assert doc["stage_mix"]["basis"] == "count"


def test_us_dates_and_money_strings_are_read(cli: Cli) -> None:
    result = cli(
        "pipeline", "--data", str(DATA / "us_forms.csv"), "--as-of", "2026-02-15", "--json"
    )
    doc = result.json()
    assert doc["totals"]["open_value"] == 11_200.5
    overdue = doc["hygiene"]["close_date_past"]["deals"]
    assert [(d["name"], d["close_date"], d["days_overdue"]) for d in overdue] == [
        ("Globex", "2026-02-01", 14)
    ]


def test_the_table_view_shows_the_sections_and_charts_are_written(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "pipe.png"
    result = cli(
        "pipeline",
        "--data",
        SMALL,
        "--as-of",
        "2026-02-15",
        "--quota",
        "100000",
        "--chart",
        str(out),
    )
    assert result.exit_code == 0, result.stderr
    for title in ("By stage", "Coverage", "Stage mix", "Stale", "Velocity", "Findings"):
        assert title in result.stdout
    assert out.stat().st_size > 1000
    assert (tmp_path / "pipe-coverage.png").stat().st_size > 1000


def test_without_data_the_review_reads_the_workspace(cli: Cli, db_url: str) -> None:
    imported = cli("import", SMALL, "--db", db_url)
    assert imported.exit_code == 0, imported.stderr
    result = cli("pipeline", "--db", db_url, "--as-of", "2026-02-15", "--quota", "100000", "--json")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    totals = doc["totals"]
    assert (totals["open_deals"], totals["won_deals"], totals["lost_deals"]) == (4, 2, 1)
    assert (totals["open_value"], totals["weighted_value"]) == (400_000.0, 180_000.0)
    assert doc["coverage"]["ratio"] == 4.0
