"""Win rates learnt from closed deals, shrunk toward the methodology when data is thin (PIPE-3).

Every rate is a beta-binomial posterior mean: `(won + k * prior) / (closed + k)`, where `k` is
`calibration.prior_strength` (in deals) of methodology/forecast.toml. By stage reached, the
prior is the methodology's stage probability; by dimension (segment, deal size band, source,
competitor), the prior is the overall win rate and the result is used as a lift
`rate / overall` on the stage rate. Every rate carries the counts behind it.

Stage reached: a closed deal whose `stage_index` is set (the source says which stage it was
in when it closed) reached every stage up to that one. A closed deal whose last open stage is
unknown (a flat export says only "Closed Lost") counts at every stage, so stage rates then
fall back to the overall rate rather than being inflated by won deals alone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import polars as pl

from dealplan.engines.forecast_settings import ForecastSettings


@dataclass(frozen=True)
class Rate:
    """One calibrated rate and the evidence behind it."""

    dimension: str  # "overall", "stage reached", "segment", "size_band", ...
    value: str
    closed: int
    won: int
    prior: float
    rate: float  # shrunk
    lift: float  # rate / overall rate (1.0 for stages and overall)

    @property
    def raw(self) -> float | None:
        return self.won / self.closed if self.closed else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "value": self.value,
            "closed": self.closed,
            "won": self.won,
            "raw_rate": self.raw,
            "prior": self.prior,
            "rate": self.rate,
            "lift": self.lift,
        }


@dataclass(frozen=True)
class WinCalibration:
    overall: Rate
    stages: list[Rate]
    dimensions: list[Rate]

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "stages": [r.as_dict() for r in self.stages],
            "dimensions": [r.as_dict() for r in self.dimensions],
        }


def size_band_expr(settings: ForecastSettings) -> pl.Expr:
    """The deal size band of `amount` (null amount: null band)."""
    expr: Any = pl.lit(settings.size_bands[-1][0])
    for name, upper in reversed(settings.size_bands[:-1]):
        expr = pl.when(pl.col("amount") < upper).then(pl.lit(name)).otherwise(expr)
    return pl.when(pl.col("amount").is_null()).then(None).otherwise(expr).alias("size_band")


def _size_lift(lifts: dict[str, float], settings: ForecastSettings) -> pl.Expr:
    """The lift of the deal's size band, from `amount` directly (no band text per deal); 1.0
    for an unknown amount or a band without a rate."""
    expr: Any = pl.lit(lifts.get(settings.size_bands[-1][0], 1.0))
    for name, upper in reversed(settings.size_bands[:-1]):
        expr = pl.when(pl.col("amount") < upper).then(pl.lit(lifts.get(name, 1.0))).otherwise(expr)
    return pl.when(pl.col("amount").is_null()).then(pl.lit(1.0)).otherwise(expr)


def _shrink(won: int, closed: int, prior: float, k: float) -> float:
    return (won + k * prior) / (closed + k)


def calibrate_wins(
    closed: pl.DataFrame, stages: pl.DataFrame, settings: ForecastSettings
) -> WinCalibration:
    """Win rates from `closed` (deal-table rows with outcome won/lost).

    `stages` lists the open stages to rate: columns stage_index, stage, stage_probability.
    With no closed deals every rate is its prior and every count zero.
    """
    k = settings.prior_strength
    n = closed.height
    w = int(closed.select((pl.col("outcome") == "won").sum()).item() or 0)
    stage_prior = _first_stage_prior(stages)
    overall_rate = w / n if n else stage_prior
    overall = Rate("overall", "all closed deals", n, w, overall_rate, overall_rate, 1.0)
    known = closed.filter(pl.col("stage_index").is_not_null())
    unknown = closed.filter(pl.col("stage_index").is_null())
    u_n = unknown.height
    u_w = int(unknown.select((pl.col("outcome") == "won").sum()).item() or 0)
    counts = (
        stages.lazy()
        .join(known.lazy().select("stage_index", "outcome"), how="cross", suffix="_c")
        .filter(pl.col("stage_index_c") >= pl.col("stage_index"))
        .group_by("stage_index")
        .agg(closed=pl.len(), won=(pl.col("outcome") == "won").sum())
        .collect()
    )
    by_index = {r["stage_index"]: r for r in counts.iter_rows(named=True)}
    stage_rates = []
    for row in stages.sort("stage_index").iter_rows(named=True):
        c = by_index.get(row["stage_index"], {"closed": 0, "won": 0})
        sn, sw = int(c["closed"]) + u_n, int(c["won"]) + u_w
        prior = row["stage_probability"] if row["stage_probability"] is not None else overall_rate
        rate = _shrink(sw, sn, prior, k)
        stage_rates.append(Rate("stage reached", str(row["stage"]), sn, sw, prior, rate, 1.0))
    return WinCalibration(overall, stage_rates, _dimension_rates(closed, overall_rate, settings))


def _first_stage_prior(stages: pl.DataFrame) -> float:
    probs = stages.sort("stage_index")["stage_probability"].drop_nulls()
    return float(probs[0]) if len(probs) else 0.5


def _dimension_rates(closed: pl.DataFrame, overall: float, s: ForecastSettings) -> list[Rate]:
    if closed.height == 0 or overall <= 0:
        return []
    frame = closed.with_columns(size_band_expr(s))
    out: list[Rate] = []
    for dim in s.dimensions:
        groups = (
            frame.filter(pl.col(dim).is_not_null())
            .group_by(dim)
            .agg(closed=pl.len(), won=(pl.col("outcome") == "won").sum())
            .filter(pl.col("closed") >= s.min_deals)
            .sort(dim)
        )
        for value, n, w in groups.iter_rows():
            rate = _shrink(int(w), int(n), overall, s.prior_strength)
            out.append(Rate(dim, str(value), int(n), int(w), overall, rate, rate / overall))
    return out


def win_probability(
    open_deals: pl.LazyFrame,
    cal: WinCalibration,
    settings: ForecastSettings,
    absent: Collection[str] = (),
) -> pl.LazyFrame:
    """`open_deals` with `p_win` (calibrated) and `win_lift` (p_win / overall rate) added.

    Rates are looked up per value (a few dozen), not joined: no deal is copied. `absent`:
    columns known to be null in every deal; their lift is 1.0 for every deal, so it is not
    looked up (the same numbers, less work per deal)."""
    stage_rate = pl.col("stage").replace_strict(
        {r.value: r.rate for r in cal.stages}, default=None, return_dtype=pl.Float64
    )
    lift = pl.lit(1.0)
    for dim in settings.dimensions:
        if (dim == "size_band" and "amount" in absent) or dim in absent:
            continue  # every deal's value is null: a lift of 1.0
        lifts = {r.value: r.lift for r in cal.dimensions if r.dimension == dim}
        if dim == "size_band":
            lift = lift * _size_lift(lifts, settings)
            continue
        looked = pl.col(dim).cast(pl.String)
        lift = lift * looked.replace_strict(lifts, default=None, return_dtype=pl.Float64).fill_null(
            1.0
        )
    base = stage_rate.fill_null(cal.overall.rate)
    p = (base * lift).clip(settings.probability_floor, settings.probability_ceiling)
    overall = cal.overall.rate if cal.overall.rate > 0 else 1.0
    return open_deals.with_columns(size_band_expr(settings), p_win=p).with_columns(
        win_lift=pl.col("p_win") / overall
    )
