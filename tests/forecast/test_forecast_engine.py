"""Forecast engines (PIPE-2, PIPE-3) on small deal tables with hand-computed numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import polars as pl
import pytest

from dealplan.engines.calibration import calibrate_wins
from dealplan.engines.deal_frame import conform
from dealplan.engines.forecast import categorize, forecast
from dealplan.engines.forecast_distribution import bookings_distribution
from dealplan.engines.forecast_period import parse_period
from dealplan.forecast.settings import forecast_settings

S = forecast_settings()
D = dt.date


def deals(rows: list[dict[str, Any]]) -> pl.LazyFrame:
    return conform(pl.LazyFrame(rows, infer_schema_length=None))


def test_commit_deal_without_eb_is_demoted_to_best_case_with_the_reason() -> None:
    frame = deals(
        [
            {"id": "1", "forecast_category": "Commit", "eb_engaged": False, "terms_agreed": True},
            {"id": "2", "forecast_category": "commit", "eb_engaged": True},
            {"id": "3", "probability": 0.95, "explicit_yes": False, "paper_process_known": False},
            {"id": "4", "stage_probability": 0.6},
            {"id": "5", "stage_probability": 0.2},
            {"id": "6", "stage_probability": 0.1},
        ]
    )
    out = categorize(frame, S).collect().sort("id")
    assert out["category"].to_list() == [
        "best_case",
        "commit",
        "best_case",
        "best_case",
        "pipeline",
        "upside",
    ]
    assert out["demotion_reasons"].to_list()[0] == ["eb_engaged"]
    assert out["demotion_reasons"].to_list()[2] == ["paper_process_known", "explicit_yes"]
    assert out["demoted"].to_list() == [True, False, True, False, False, False]


def _quarter_pipeline() -> pl.LazyFrame:
    common = {"outcome": "open", "created_date": D(2026, 8, 1)}
    return deals(
        [
            {
                **common,
                "id": "A",
                "owner": "ann",
                "stage": "Proposal",
                "stage_probability": 0.6,
                "amount": 100.0,
                "close_date": D(2026, 11, 15),
            },
            {
                **common,
                "id": "B",
                "owner": "bob",
                "stage": "Paper Process",
                "stage_probability": 0.8,
                "amount": 200.0,
                "close_date": D(2026, 12, 1),
                "forecast_category": "Commit",
                "eb_engaged": False,
            },
            {
                **common,
                "id": "C",
                "owner": "ann",
                "stage": "Discovery",
                "stage_probability": 0.1,
                "probability": 0.95,
                "amount": 50.0,
                "close_date": D(2026, 10, 20),
            },
            {
                **common,
                "id": "D",
                "owner": "bob",
                "stage": "Proposal",
                "stage_probability": 0.6,
                "amount": 300.0,
                "close_date": D(2027, 2, 1),
            },
            {
                "id": "E",
                "owner": "ann",
                "outcome": "won",
                "amount": 40.0,
                "created_date": D(2026, 7, 1),
                "close_date": D(2026, 10, 1),
            },
        ]
    )


def test_stage_and_category_weighted_forecasts_add_the_won_value_to_the_weighted_pipeline() -> None:
    r = forecast(
        _quarter_pipeline(),
        parse_period(quarter="Q4", month=None, year=2026, as_of=D(2026, 10, 1)),
        D(2026, 10, 1),
        S,
    )
    # won 40; stage: 100*.6 + 200*.8 + 50*.95 (manual wins) = 267.5; D closes in 2027
    assert r.won_to_date == 40
    assert r.totals["stage_weighted"] == pytest.approx(307.5)
    # categories: A best case .6, B commit demoted to best case .6, C commit (.95) .9
    assert r.totals["category_weighted"] == pytest.approx(40 + 60 + 120 + 45)
    assert [d["id"] for d in r.demotions] == ["B"]
    assert {c["category"]: (c["deals"], c["value"]) for c in r.categories} == {
        "best_case": (3, 600.0),
        "commit": (1, 50.0),
    }
    owners = {o["owner"]: o for o in r.owners}
    assert owners["ann"]["stage_weighted"] == pytest.approx(40 + 60 + 47.5)
    assert owners["bob"]["stage_weighted"] == pytest.approx(160)


def _replay_history(extra: list[dict[str, Any]]) -> pl.LazyFrame:
    return deals(
        [
            {
                "id": "X",
                "outcome": "won",
                "amount": 100.0,
                "created_date": D(2026, 1, 20),
                "close_date": D(2026, 2, 10),
            },
            {
                "id": "V",
                "outcome": "lost",
                "amount": 100.0,
                "created_date": D(2026, 1, 10),
                "close_date": D(2026, 2, 15),
            },
            {"id": "Y", "outcome": "open", "amount": 100.0, "created_date": D(2026, 1, 5)},
            {"id": "Z", "outcome": "open", "amount": 100.0, "created_date": D(2025, 11, 1)},
            {"id": "W", "outcome": "open", "amount": 100.0, "created_date": D(2026, 2, 20)},
            *extra,
        ]
    )


def test_calibrated_forecast_learns_the_won_share_by_age_band_from_the_past_month() -> None:
    # February seen from Feb 1: X, V, Y are 0-29 days old (100 of 300 won), Z 90+ days (0).
    # Over all bands 100 of 400 won: 0.25. Shrunk with k=20: band 0 (1 + 20*.25)/(3+20) = 6/23,
    # band 3 5/21, empty bands .25. March has no past month in its position, so these apply.
    # On Mar 1: Y is 55 days old (.25), Z 120 (.25), W 9 (6/23); win lift 1 (no stages).
    period = parse_period(quarter=None, month="2026-03", year=None, as_of=D(2026, 3, 1))
    r = forecast(_replay_history([]), period, D(2026, 3, 1), S)
    assert r.totals["calibrated"] == pytest.approx(25 + 25 + 600 / 23)
    bands = r.timing.bands.sort("band")
    assert bands["won_rate"].to_list() == pytest.approx([6 / 23, 0.25, 0.25, 5 / 21, 0.25])
    # close rate: 2 of 3 closed in band 0, 2 of 4 overall: (2 + 20*.5)/23
    assert bands["close_rate"][0] == pytest.approx(12 / 23)
    assert r.timing.windows == ["2026-02"]


def test_calibrated_forecast_adds_the_run_rate_of_deals_created_and_won_inside_a_month() -> None:
    new = {
        "id": "N",
        "outcome": "won",
        "amount": 80.0,
        "created_date": D(2026, 2, 5),
        "close_date": D(2026, 2, 25),
    }
    period = parse_period(quarter=None, month="3", year=2026, as_of=D(2026, 3, 1))
    r = forecast(_replay_history([new]), period, D(2026, 3, 1), S)
    assert r.new_deals == 80
    assert r.totals["calibrated"] == pytest.approx(25 + 25 + 600 / 23 + 80)


def test_win_rates_are_shrunk_toward_the_stage_default_with_the_counts_behind_them() -> None:
    closed = conform(
        pl.LazyFrame(
            {
                "outcome": ["lost", "won", "won", "won", "lost"],
                "stage_index": [4, 5, None, None, None],
            }
        )
    ).collect()
    stages = pl.DataFrame(
        {
            "stage_index": [4, 5],
            "stage": ["Proposal", "Paper Process"],
            "stage_probability": [0.6, 0.8],
        },
        schema={"stage_index": pl.Int32, "stage": pl.String, "stage_probability": pl.Float64},
    )
    cal = calibrate_wins(closed, stages, S)
    proposal, paper = cal.stages
    assert (proposal.closed, proposal.won) == (5, 3)
    assert proposal.rate == pytest.approx(15 / 25)
    # Paper Process: the deal lost at Proposal never reached it: 4 closed, 3 won
    assert (paper.closed, paper.won) == (4, 3)
    assert paper.rate == pytest.approx(19 / 24)


def test_dimension_rates_are_shrunk_toward_the_overall_rate_and_become_lifts() -> None:
    closed = conform(
        pl.LazyFrame(
            {
                "outcome": ["won"] + ["lost"] * 4 + ["won"] * 5,
                "competitor": ["Acme"] * 5 + ["Beta"] * 5,
            }
        )
    ).collect()
    empty = pl.DataFrame(
        schema={"stage_index": pl.Int32, "stage": pl.String, "stage_probability": pl.Float64}
    )
    cal = calibrate_wins(closed, empty, S)
    rates = {r.value: r for r in cal.dimensions if r.dimension == "competitor"}
    assert rates["Acme"].rate == pytest.approx(13 / 25)  # (1 + 20 * .6) / (5 + 20)
    assert rates["Acme"].lift == pytest.approx(13 / 25 / 0.6)
    assert rates["Beta"].rate == pytest.approx(17 / 25)


@pytest.mark.parametrize(
    ("values", "probs", "expected"),
    [
        # 0, 100, 200, 300 each with 1/4
        ([100, 200], [0.5, 0.5], (0, 100, 300)),
        # P(0)=.08, P(100)=.74, P(200)=.18
        ([100, 100], [0.9, 0.2], (100, 100, 200)),
    ],
)
def test_p10_p50_p90_of_a_tiny_pipeline_are_exact(
    values: list[float], probs: list[float], expected: tuple[float, float, float]
) -> None:
    d = bookings_distribution(np.array(values, float), np.array(probs, float), S)
    assert d.method == "exact"
    assert (d.p10, d.p50, d.p90) == pytest.approx(expected)


def test_normal_approximation_stays_close_to_the_exact_answer_on_800_deals() -> None:
    rng = np.random.default_rng(7)
    values = rng.integers(1_000, 50_000, 800).astype(float)
    probs = rng.uniform(0.05, 0.9, 800)
    exact = bookings_distribution(values, probs, S)
    normal = bookings_distribution(
        values, probs, S.__class__(**{**S.__dict__, "exact_max_deals": 100})
    )
    assert exact.method == "exact"
    assert normal.method == "normal"
    for q in ("p10", "p50", "p90"):
        assert getattr(normal, q) == pytest.approx(getattr(exact, q), rel=0.01)


@pytest.mark.parametrize(
    ("quarter", "month", "message"),
    [
        ("Q5", None, "not a quarter"),
        (None, "13", "not a month"),
        ("Q1", "3", "not both"),
    ],
)
def test_unknown_periods_are_refused_with_a_message(
    quarter: str | None, month: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_period(quarter=quarter, month=month, year=2026, as_of=D(2026, 1, 1))
