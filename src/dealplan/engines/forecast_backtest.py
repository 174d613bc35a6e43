"""Replay the past to measure each forecast method (PIPE-4).

At the start `t` of every period the deal table is rewound to what was known at `t`:

- a deal is open at `t` when created on or before `t` and not closed before `t`; deals
  created later do not exist yet; outcomes and close dates of deals closed on or after `t`
  are unknown (an open deal's expected close date is unknown too: a flat file holds only the
  actual one);
- its stage is the model's first open stage, unless its `stage_date` is on or before `t`;
- its amount is its product's list price when a price list is given (never the final value),
  else the file's amount.

Each method forecasts the period's won value from that table alone, and is compared with the
value actually won in the period:

- naive: the value won in the previous period;
- stage_weighted: sum of amount x fixed stage probability over the deals open at `t`;
- category_weighted: sum of amount x the weight of the deal's category;
- calibrated: engines/forecast.py's calibrated forecast, learnt only from deals closed
  before `t`, plus the run rate of deals created and won inside a period.

Periods without enough history (fewer than `backtest.min_closed` closed deals, no previous
period, no past period to learn from, or for months no past month in the same place of the
quarter) are warm-up: listed with the reason, not scored. MAPE and bias are fractions of the
actual won value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from dealplan.engines.deal_frame import conform
from dealplan.engines.forecast import categorize, deal_expectations
from dealplan.engines.forecast_period import Freq, Period, period_of
from dealplan.engines.forecast_settings import ForecastSettings

BACKTEST_METHODS = ("naive", "stage_weighted", "category_weighted", "calibrated")


@dataclass(frozen=True)
class BacktestResult:
    freq: Freq
    methods: dict[str, dict[str, float | None]]
    periods: list[dict[str, Any]]
    skipped: list[dict[str, str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "freq": self.freq,
            "methods": self.methods,
            "periods": self.periods,
            "skipped": self.skipped,
        }


def known_at(
    deals: pl.DataFrame, t: dt.date, first_stage: dict[str, Any], prices: pl.DataFrame | None
) -> pl.LazyFrame:
    """The deal table as it stood at the start of day `t` (see the module docstring)."""
    closed_before = pl.col("outcome").is_in(["won", "lost"]) & (pl.col("close_date") < t)
    staged = pl.col("stage_date").is_not_null() & (pl.col("stage_date") <= t)
    frame = deals.lazy().filter(pl.col("created_date") <= t)
    if prices is not None:
        frame = frame.with_columns(_key=_product_key(pl.col("product"))).join(
            prices.lazy(), on="_key", how="left"
        )
        frame = frame.with_columns(amount=pl.coalesce("_price", "amount")).drop("_key", "_price")
    return frame.with_columns(
        outcome=pl.when(closed_before).then(pl.col("outcome")).otherwise(pl.lit("open")),
        close_date=pl.when(closed_before).then(pl.col("close_date")).otherwise(None),
        stage=pl.when(closed_before | staged).then("stage").otherwise(pl.lit(first_stage["stage"])),
        stage_index=pl.when(closed_before | staged)
        .then("stage_index")
        .otherwise(pl.lit(first_stage["stage_index"], dtype=pl.Int32)),
        stage_probability=pl.when(closed_before | staged)
        .then("stage_probability")
        .otherwise(pl.lit(first_stage["stage_probability"], dtype=pl.Float64)),
        forecast_category=pl.when(closed_before).then("forecast_category").otherwise(None),
    )


def _product_key(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_lowercase().str.replace_all(r"[^0-9a-z]", "")


def price_table(products: pl.Series, prices: pl.Series) -> pl.DataFrame:
    """A list-price table for `known_at` from product names and prices."""
    return (
        pl.DataFrame({"_key": products, "_price": prices.cast(pl.Float64)})
        .with_columns(_key=_product_key(pl.col("_key")))
        .unique("_key", keep="first")
    )


def _first_stage(deals: pl.DataFrame) -> dict[str, Any]:
    staged = deals.filter(pl.col("stage_index").is_not_null()).sort("stage_index")
    if staged.height == 0:
        return {"stage": None, "stage_index": None, "stage_probability": None}
    return staged.select("stage", "stage_index", "stage_probability").row(0, named=True)


def backtest_forecast(
    deals: pl.LazyFrame,
    freq: Freq,
    s: ForecastSettings,
    prices: pl.DataFrame | None = None,
) -> BacktestResult:
    """Replay every period from the first deal's creation to the last close (see module)."""
    table = conform(deals).collect()
    dated = table.filter(pl.col("created_date").is_not_null())
    closes = table.filter(
        pl.col("outcome").is_in(["won", "lost"]) & pl.col("close_date").is_not_null()
    )
    if dated.height == 0 or closes.height == 0:
        raise ValueError(
            "nothing to replay: the backtest needs deals with a created date and closed deals "
            "with a close date"
        )
    first = period_of(dated["created_date"].min(), freq)  # type: ignore[arg-type]
    last = period_of(closes["close_date"].max(), freq)  # type: ignore[arg-type]
    won = table.filter(pl.col("outcome") == "won")
    stage0 = _first_stage(table)
    periods: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    previous: float | None = None
    p: Period = first
    while p.start <= last.start:
        actual = float(
            won.filter(pl.col("close_date").is_between(p.start, p.end, closed="left"))["amount"]
            .fill_null(0.0)
            .sum()
        )
        row, reason = _replay(table, p, stage0, prices, s, previous, actual)
        if reason:
            skipped.append({"period": p.label, "reason": reason})
        else:
            periods.append(row)
        previous = actual
        p = p.shifted(1)
    return BacktestResult(freq, _scores(periods), periods, skipped)


def _replay(
    table: pl.DataFrame,
    p: Period,
    stage0: dict[str, Any],
    prices: pl.DataFrame | None,
    s: ForecastSettings,
    previous: float | None,
    actual: float,
) -> tuple[dict[str, Any], str | None]:
    t = p.start
    known = known_at(table, t, stage0, prices)
    n_closed = known.filter(pl.col("outcome") != "open").select(pl.len()).collect().item()
    if n_closed < s.backtest_min_closed:
        return {}, f"{n_closed} deals closed before {t} (fewer than {s.backtest_min_closed})"
    if previous is None:
        return {}, "no previous period for the naive baseline"
    frame, _cal, timing, _won = deal_expectations(known, p, t, s)
    if not timing.windows:
        return {}, "no past period to learn from"
    if p.freq == "month" and not timing.same_position:
        # A month's season is its quarter: wait until its place in the quarter was seen once.
        return {}, "no past month in the same place of the quarter to learn from"
    if actual <= 0:
        return {}, "nothing was won in the period (a percentage error is undefined)"
    weights = pl.DataFrame(
        {"category": list(s.category_weights), "w": list(s.category_weights.values())}
    )
    open_now = categorize(known.filter(pl.col("outcome") == "open"), s).join(
        weights.lazy(), on="category", how="left"
    )
    sums = (
        open_now.select(
            stage_weighted=(
                pl.col("amount").fill_null(0.0) * pl.col("stage_probability").fill_null(0.0)
            ).sum(),
            category_weighted=(pl.col("amount").fill_null(0.0) * pl.col("w").fill_null(0.0)).sum(),
            open_deals=pl.len(),
            open_value=pl.col("amount").fill_null(0.0).sum(),
        )
        .collect()
        .row(0, named=True)
    )
    calibrated = float((frame["value"] * frame["p_calibrated"]).sum()) + timing.new_run_rate
    forecasts = {
        "naive": previous,
        "stage_weighted": float(sums["stage_weighted"]),
        "category_weighted": float(sums["category_weighted"]),
        "calibrated": calibrated,
    }
    return {
        "period": p.label,
        "start": p.start,
        "open_deals": int(sums["open_deals"]),
        "open_value": float(sums["open_value"]),
        "closed_before": int(n_closed),
        "actual": actual,
        "forecasts": forecasts,
        "calibrated_new_deals": timing.new_run_rate,
        "errors": {m: (f - actual) / actual for m, f in forecasts.items()},
    }, None


def _scores(periods: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for m in BACKTEST_METHODS:
        errs = [row["errors"][m] for row in periods]
        n = len(errs)
        out[m] = {
            "mape": sum(abs(e) for e in errs) / n if n else None,
            "bias": sum(errs) / n if n else None,
            "periods": n,
        }
    return out
