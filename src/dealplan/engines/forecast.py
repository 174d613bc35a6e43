"""Forecast a period's bookings three ways, side by side (PIPE-2, PIPE-3).

- categories: the deal's `forecast_category` when the source gives one, else the band its
  probability (manual, else the stage's) falls in (methodology/forecast.toml `[categories]`);
  a commit deal with any commit-checklist item explicitly False is demoted to best case, and
  the failed items are its reasons;
- stage_weighted: value x probability (manual wins, else the methodology's stage probability)
  of open deals expected to close in the period (overdue deals count in the period that
  holds `as_of`);
- category_weighted: value x the weight of the deal's (demoted) category, same deals;
- calibrated: every open deal, value x the share of value of its age band won inside a
  period like this one in the past (engines/forecast_timing.py) x its win lift by stage
  reached and dimensions (engines/calibration.py); a manual probability replaces the win part
  (probability x close rate). Plus the run rate of deals created and won inside the period.

Every method adds the value already won in the period. Deals are those of `deal_frame`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from dealplan.engines.calibration import WinCalibration, calibrate_wins, win_probability
from dealplan.engines.deal_frame import COMMIT_CHECKLIST, conform
from dealplan.engines.forecast_distribution import Distribution, bookings_distribution
from dealplan.engines.forecast_period import Period
from dealplan.engines.forecast_settings import ForecastSettings
from dealplan.engines.forecast_timing import Timing, band_expr, learn_timing

METHODS = ("stage_weighted", "category_weighted", "calibrated")
_ALIASES = {"bestcase": "best_case", "best": "best_case", "most_likely": "best_case"}


def is_open() -> pl.Expr:
    return pl.col("outcome").is_null() | (pl.col("outcome") == "open")


def category_expr(s: ForecastSettings) -> pl.Expr:
    """Explicit category (normalised) if given, else the probability band; null: unknown."""
    prob = pl.coalesce("probability", "stage_probability")
    band: Any = pl.lit("unknown")
    for name, low in reversed(s.bands):
        band = pl.when(prob >= low).then(pl.lit(name)).otherwise(band)
    given = (
        pl.col("forecast_category")
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace_all(r"[ -]", "_")
    )
    given = given.replace(_ALIASES)
    return pl.coalesce(given, band).alias("category_given")


def categorize(open_deals: pl.LazyFrame, s: ForecastSettings) -> pl.LazyFrame:
    """Open deals with `category` (after demotion), `demoted` and `demotion_reasons`."""
    failed = pl.concat_list(
        [pl.when(pl.col(c) == False).then(pl.lit(c)).otherwise(None) for c in COMMIT_CHECKLIST]  # noqa: E712
    ).list.drop_nulls()
    return (
        open_deals.with_columns(category_expr(s), demotion_reasons=failed)
        .with_columns(
            demoted=(pl.col("category_given") == "commit")
            & (pl.col("demotion_reasons").list.len() > 0)
        )
        .with_columns(
            category=pl.when(pl.col("demoted"))
            .then(pl.lit("best_case"))
            .otherwise(pl.col("category_given"))
        )
    )


@dataclass(frozen=True)
class ForecastResult:
    period: Period
    as_of: dt.date
    totals: dict[str, float]  # method -> won so far + expected
    won_to_date: float
    new_deals: float  # calibrated run rate of deals not yet created
    categories: list[dict[str, Any]]  # category, deals, value
    demotions: list[dict[str, Any]]  # id, name, owner, amount, reasons
    owners: list[dict[str, Any]]  # owner, won, and each method
    distribution: Distribution
    calibration: WinCalibration
    timing: Timing
    notes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {
                "label": self.period.label,
                "start": self.period.start,
                "end": self.period.end,
            },
            "as_of": self.as_of,
            "forecasts": self.totals,
            "won_to_date": self.won_to_date,
            "new_deals": self.new_deals,
            "categories": self.categories,
            "demotions": self.demotions,
            "distribution": self.distribution.as_dict(),
            "owners": self.owners,
            "calibration": self.calibration.as_dict(),
            "timing": self.timing.as_dict(),
            "notes": self.notes,
        }


def deal_expectations(
    deals: pl.LazyFrame, period: Period, as_of: dt.date, s: ForecastSettings
) -> tuple[pl.DataFrame, WinCalibration, Timing, pl.DataFrame]:
    """Per open deal: category, in_period, p_stage, w_category, p_calibrated; plus won rows."""
    deals = conform(deals)
    known_closed = deals.filter(~is_open() & (pl.col("close_date") < as_of))
    open_deals = deals.filter(is_open())
    stages = (
        open_deals.select("stage_index", "stage", "stage_probability")
        .filter(pl.col("stage").is_not_null())
        .unique()
        .collect()
    )
    cal = calibrate_wins(known_closed.collect(), stages, s)
    timing = learn_timing(deals, period, as_of, s)
    close_date = pl.col("close_date")
    in_period = close_date.is_not_null() & (
        close_date.is_between(pl.lit(period.start), pl.lit(period.end), closed="left")
        | ((close_date < as_of) & pl.lit(period.contains(as_of)))
    )
    weights = pl.DataFrame(
        {"category": list(s.category_weights), "w_category": list(s.category_weights.values())}
    )
    rates = timing.bands.select("band", "won_rate", "close_rate")
    frame = (
        win_probability(categorize(open_deals, s), cal, s)
        .with_columns(band_expr(max(as_of, period.start), s), in_period=in_period)
        .join(weights.lazy(), on="category", how="left")
        .join(rates.lazy(), on="band", how="left")
        .with_columns(
            value=pl.col("amount").fill_null(0.0),
            p_stage=pl.coalesce("probability", "stage_probability").fill_null(0.0),
            w_category=pl.col("w_category").fill_null(0.0),
            p_calibrated=pl.when(pl.col("probability").is_not_null())
            .then(pl.col("probability") * pl.col("close_rate"))
            .otherwise(pl.col("won_rate") * pl.col("win_lift"))
            .fill_null(0.0)
            .clip(0.0, 1.0),
        )
        .collect()
    )
    won = deals.filter(
        (pl.col("outcome") == "won")
        & pl.col("close_date").is_between(
            pl.lit(period.start),
            pl.lit(min(period.end, as_of + dt.timedelta(days=1))),
            closed="left",
        )
    ).collect()
    return frame, cal, timing, won


def _method_sums(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    inp = pl.col("in_period")
    exprs = [
        (pl.col("value") * pl.col("p_stage")).filter(inp).sum().alias("stage_weighted"),
        (pl.col("value") * pl.col("w_category")).filter(inp).sum().alias("category_weighted"),
        (pl.col("value") * pl.col("p_calibrated")).sum().alias("calibrated"),
    ]
    if by:
        return frame.group_by(by).agg(exprs).sort(by, nulls_last=True)
    return frame.select(exprs)


def forecast(
    deals: pl.LazyFrame, period: Period, as_of: dt.date, s: ForecastSettings
) -> ForecastResult:
    """The period's forecast by every method, categories, demotions and P10/P50/P90."""
    frame, cal, timing, won = deal_expectations(deals, period, as_of, s)
    won_value = float(won["amount"].fill_null(0.0).sum())
    sums = _method_sums(frame, []).row(0, named=True)
    totals = {m: won_value + float(sums[m] or 0.0) for m in METHODS}
    totals["calibrated"] += timing.new_run_rate
    cats = (
        frame.group_by("category")
        .agg(deals=pl.len(), value=pl.col("value").sum(), in_period=pl.col("in_period").sum())
        .sort("category")
        .to_dicts()
    )
    demotions = (
        frame.filter(pl.col("demoted"))
        .select("id", "name", "owner", "amount", reasons=pl.col("demotion_reasons"))
        .sort("id")
        .to_dicts()
    )
    by_owner = _method_sums(frame, ["owner"])
    won_by = won.group_by("owner").agg(won=pl.col("amount").fill_null(0.0).sum())
    owners = (
        by_owner.join(won_by, on="owner", how="full", coalesce=True)
        .fill_null(0.0)
        .with_columns([(pl.col(m) + pl.col("won")).alias(m) for m in METHODS])
        .sort("owner", nulls_last=True)
        .to_dicts()
    )
    dist = bookings_distribution(frame["value"].to_numpy(), frame["p_calibrated"].to_numpy(), s)
    dist = _shift(dist, won_value + timing.new_run_rate)
    notes = _notes(frame, cal, timing)
    return ForecastResult(
        period,
        as_of,
        totals,
        won_value,
        timing.new_run_rate,
        cats,
        demotions,
        owners,
        dist,
        cal,
        timing,
        notes,
    )


def _shift(d: Distribution, by: float) -> Distribution:
    """The distribution of bookings plus a fixed amount (won so far, expected new deals)."""
    return Distribution(
        d.p10 + by,
        d.p50 + by,
        d.p90 + by,
        d.mean + by,
        d.method,
        d.deals,
        [g + by for g in d.grid],
        d.mass,
    )


def _notes(frame: pl.DataFrame, cal: WinCalibration, timing: Timing) -> list[str]:
    notes = []
    if frame.height == 0:
        notes.append("no open deals: every forecast is what is already won")
    no_amount = frame.filter(pl.col("amount").is_null()).height
    if no_amount:
        notes.append(f"{no_amount} open deals have no amount and count as 0")
    no_close = frame.filter(pl.col("close_date").is_null()).height
    if no_close:
        notes.append(
            f"{no_close} open deals have no expected close date: only the calibrated "
            "forecast counts them"
        )
    if cal.overall.closed == 0:
        notes.append("no closed deals to learn from: win rates are the methodology's defaults")
    if not timing.windows:
        notes.append("no past period to replay: the calibrated forecast counts no open deal")
    return notes
