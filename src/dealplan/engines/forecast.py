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
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import polars as pl

from dealplan.engines.calibration import WinCalibration, calibrate_wins, win_probability
from dealplan.engines.deal_frame import COMMIT_CHECKLIST, conform
from dealplan.engines.forecast_distribution import Distribution
from dealplan.engines.forecast_period import Period
from dealplan.engines.forecast_settings import ForecastSettings
from dealplan.engines.forecast_sums import (
    absent_columns,
    by_owner_category,
    category_code,
    distribution,
    named,
)
from dealplan.engines.forecast_timing import Timing, band_expr, learn_timing

METHODS = ("stage_weighted", "category_weighted", "calibrated")
_ALIASES = {"bestcase": "best_case", "best": "best_case", "most_likely": "best_case"}


def is_open() -> pl.Expr:
    return pl.col("outcome").is_null() | (pl.col("outcome") == "open")


def probability_expr(absent: Collection[str] = ()) -> pl.Expr:
    """The deal's probability: manual, else its stage's (`absent`: columns null everywhere)."""
    if "probability" in absent:
        return pl.col("stage_probability")
    return pl.coalesce("probability", "stage_probability")


def category_expr(s: ForecastSettings, absent: Collection[str] = ()) -> pl.Expr:
    """Explicit category (normalised) if given, else the probability band; null: unknown."""
    prob = probability_expr(absent)
    band: Any = pl.lit("unknown")
    for name, low in reversed(s.bands):
        band = pl.when(prob >= low).then(pl.lit(name)).otherwise(band)
    if "forecast_category" in absent:
        banded: pl.Expr = band.alias("category_given")
        return banded
    given = (
        pl.col("forecast_category")
        .str.strip_chars()
        .str.to_lowercase()
        .str.replace_all(r"[ -]", "_")
    )
    given = given.replace(_ALIASES)
    return pl.coalesce(given, band).alias("category_given")


def failed_items() -> pl.Expr:
    """The commit-checklist items explicitly False, as a list (the reasons of a demotion)."""
    return pl.concat_list(
        [pl.when(pl.col(c) == False).then(pl.lit(c)).otherwise(None) for c in COMMIT_CHECKLIST]  # noqa: E712
    ).list.drop_nulls()


def categorize(
    open_deals: pl.LazyFrame, s: ForecastSettings, absent: Collection[str] = ()
) -> pl.LazyFrame:
    """Open deals with `category` (after demotion), `demoted` and `demotion_reasons`.

    `absent`: columns null in every deal. With no commit-checklist column, no deal is
    demoted and the reasons are empty, without looking at each deal."""
    if all(c in absent for c in COMMIT_CHECKLIST):
        return open_deals.with_columns(
            category_expr(s, absent),
            demotion_reasons=pl.lit([], pl.List(pl.String)),
            demoted=pl.lit(False),
        ).with_columns(category=pl.col("category_given"))
    failed = failed_items()
    # `demoted` does not read the reasons list, so a query that keeps only `demoted` never
    # builds a list per deal.
    any_failed = pl.any_horizontal(
        [(pl.col(c) == False).fill_null(False) for c in COMMIT_CHECKLIST]  # noqa: E712
    )
    return (
        open_deals.with_columns(category_expr(s, absent), demotion_reasons=failed)
        .with_columns(demoted=(pl.col("category_given") == "commit") & any_failed)
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


def columns(s: ForecastSettings) -> tuple[str, ...]:
    """The deal-table columns a forecast reads (a deal file's other columns need no parsing)."""
    dims = [d for d in s.dimensions if d != "size_band"]
    fixed = ("id", "name", "owner", "stage", "stage_index", "stage_probability", "outcome")
    dated = ("amount", "created_date", "close_date", "forecast_category", "probability")
    return tuple(dict.fromkeys((*fixed, *dated, *COMMIT_CHECKLIST, *dims)))


# A forecast names deals (id, name) only in its list of demotions, which needs a commit
# checklist: a deal file without one need not have its ids and names read.
LISTED_ONLY_WITH = {"id": COMMIT_CHECKLIST, "name": COMMIT_CHECKLIST}
# Deal-table columns often missing from a source (null in every deal): see absent_columns.
# (With the calibration's dimensions.)
OPTIONAL = ("forecast_category", "probability", "amount", *COMMIT_CHECKLIST)
# What `forecast_sums.by_owner_category` reads of each open deal.
SUMMED = (
    "owner",
    "amount",
    "close_date",
    "category",
    "in_period",
    "value",
    "p_stage",
    "p_calibrated",
)
# Per open deal, what `deal_expectations` returns.
_KEPT = (
    "owner",
    "amount",
    "close_date",
    "category",
    "demoted",
    "in_period",
    "value",
    "p_stage",
    "w_category",
    "p_calibrated",
)


def deal_expectations(
    deals: pl.LazyFrame, period: Period, as_of: dt.date, s: ForecastSettings
) -> tuple[pl.DataFrame, WinCalibration, Timing, pl.DataFrame]:
    """Per open deal: category, in_period, p_stage, w_category, p_calibrated; plus won rows."""
    frame, cal, timing, won = expectations(deals, period, as_of, s)
    return frame.collect(), cal, timing, won


def expectations(
    deals: pl.LazyFrame, period: Period, as_of: dt.date, s: ForecastSettings
) -> tuple[pl.LazyFrame, WinCalibration, Timing, pl.DataFrame]:
    """`deal_expectations` with the per-deal frame left lazy (to aggregate, not to keep)."""
    frame, cal, timing, won, _ = _expectations(deals, period, as_of, s, frozenset(), summed=False)
    return frame, cal, timing, won


def _expectations(
    deals: pl.LazyFrame,
    period: Period,
    as_of: dt.date,
    s: ForecastSettings,
    absent: frozenset[str],
    *,
    summed: bool,
) -> tuple[pl.LazyFrame, WinCalibration, Timing, pl.DataFrame, list[str] | None]:
    """The per-deal frame (lazy), calibration, timing, won rows, and the category names by
    number when `category` is a number (see forecast_sums.category_code).

    `absent`: columns null in every deal (their per-deal lookups are skipped: the same
    numbers). `summed`: the frame only feeds `forecast_sums.by_owner_category`, so it keeps
    just what that reads and its category may be a number."""
    deals = conform(deals)
    dims = [d for d in s.dimensions if d != "size_band"]
    known_closed = deals.filter(~is_open() & (pl.col("close_date") < as_of)).select(
        "outcome", "stage_index", "amount", *dict.fromkeys(d for d in dims if d != "amount")
    )
    open_deals = deals.filter(is_open())
    stages_query = (
        open_deals.select("stage_index", "stage", "stage_probability")
        .filter(pl.col("stage").is_not_null())
        .unique()
    )
    closed, stages = pl.collect_all([known_closed, stages_query])
    cal = calibrate_wins(closed, stages, s)
    del closed
    timing = learn_timing(deals, period, as_of, s)
    close_date = pl.col("close_date")
    in_period = close_date.is_not_null() & (
        close_date.is_between(pl.lit(period.start), pl.lit(period.end), closed="left")
        | ((close_date < as_of) & pl.lit(period.contains(as_of)))
    )
    # Category weights and band rates are looked up per value, not joined (no deal copied).
    bands = timing.bands
    won_rate, close_rate = (
        pl.col("band").replace_strict(
            dict(zip(bands["band"], bands[name], strict=True)),
            default=None,
            return_dtype=pl.Float64,
        )
        for name in ("won_rate", "close_rate")
    )
    probability = probability_expr(absent)
    coded = category_code(s, absent, probability) if summed else None
    if coded is None:
        named, names = categorize(open_deals, s, absent), None
    else:
        named, names = open_deals.with_columns(coded[0]), coded[1]
    if "probability" in absent:  # no manual probability: the calibrated chance of every deal
        p_calibrated = pl.col("won_rate") * pl.col("win_lift")
    else:
        p_calibrated = (
            pl.when(pl.col("probability").is_not_null())
            .then(pl.col("probability") * pl.col("close_rate"))
            .otherwise(pl.col("won_rate") * pl.col("win_lift"))
        )
    frame = (
        win_probability(named, cal, s, absent)
        .with_columns(band_expr(max(as_of, period.start), s), in_period=in_period)
        .with_columns(won_rate=won_rate, close_rate=close_rate)
        .with_columns(
            value=pl.col("amount").fill_null(0.0),
            p_stage=probability.fill_null(0.0),
            p_calibrated=p_calibrated.fill_null(0.0).clip(0.0, 1.0),
        )
    )
    if summed:
        frame = frame.select(SUMMED)
    else:
        weight = pl.col("category").replace_strict(
            dict(s.category_weights), default=None, return_dtype=pl.Float64
        )
        frame = frame.with_columns(w_category=weight.fill_null(0.0)).select(_KEPT)
    won = (
        deals.select("owner", "amount", "outcome", "close_date")
        .filter(
            (pl.col("outcome") == "won")
            & pl.col("close_date").is_between(
                pl.lit(period.start),
                pl.lit(min(period.end, as_of + dt.timedelta(days=1))),
                closed="left",
            )
        )
        .collect()
    )
    return frame, cal, timing, won, names


def forecast(
    deals: pl.LazyFrame, period: Period, as_of: dt.date, s: ForecastSettings
) -> ForecastResult:
    """The period's forecast by every method, categories, demotions and P10/P50/P90."""
    deals = conform(deals)
    # Columns null in every deal (a file without them) need no look at each deal.
    dims = [d for d in s.dimensions if d != "size_band"]
    absent = absent_columns(deals, (*OPTIONAL, *dims))
    frame, cal, timing, won, names = _expectations(deals, period, as_of, s, absent, summed=True)
    won_value = float(won["amount"].fill_null(0.0).sum())
    present = [c for c in COMMIT_CHECKLIST if c not in absent] or list(COMMIT_CHECKLIST)
    failed = pl.any_horizontal([pl.col(c) == False for c in present])  # noqa: E712
    # Only a deal with a failed checklist item can be demoted: the others are not categorised.
    demoted = (
        categorize(deals.filter(is_open() & failed), s, absent)
        .filter(pl.col("demoted"))
        .select("id", "name", "owner", "amount", reasons=pl.col("demotion_reasons"))
        .sort("id")
    )
    if all(c in absent for c in COMMIT_CHECKLIST):  # no checklist: no deal can be demoted
        demoted = demoted.clear()
    # The open deals are summed per owner and category in one pass; nothing per deal is kept
    # (the exact distribution, for a few deals only, reads their values afterwards).
    summed, demotions = pl.collect_all([by_owner_category(frame), demoted])
    by = named(summed, names)
    # A category's weight is the same for all its deals: applied to its summed value.
    weight = pl.col("category").replace_strict(
        dict(s.category_weights), default=0.0, return_dtype=pl.Float64
    )
    by = by.with_columns(category_weighted=weight * pl.col("value_in_period"))
    sums = by.select(pl.col(*METHODS).sum()).row(0, named=True)
    totals = {m: won_value + float(sums[m] or 0.0) for m in METHODS}
    totals["calibrated"] += timing.new_run_rate
    cats = (
        by.group_by("category")
        .agg(pl.col("deals").sum(), pl.col("value").sum(), pl.col("in_period").sum())
        .sort("category")
    )
    by_owner = by.group_by("owner").agg(pl.col(*METHODS).sum()).sort("owner", nulls_last=True)
    won_by = won.group_by("owner").agg(won=pl.col("amount").fill_null(0.0).sum())
    owners = (
        by_owner.join(won_by, on="owner", how="full", coalesce=True)
        .fill_null(0.0)
        .with_columns([(pl.col(m) + pl.col("won")).alias(m) for m in METHODS])
        .sort("owner", nulls_last=True)
        .to_dicts()
    )
    dist = distribution(frame, by, s)
    dist = _shift(dist, won_value + timing.new_run_rate)
    counts = by.select(
        deals=pl.col("deals").sum(),
        no_amount=pl.col("no_amount").sum(),
        no_close=pl.col("no_close").sum(),
    )
    notes = _notes(counts.row(0, named=True), cal, timing)
    return ForecastResult(
        period,
        as_of,
        totals,
        won_value,
        timing.new_run_rate,
        cats.to_dicts(),
        demotions.to_dicts(),
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


def _notes(counts: dict[str, Any], cal: WinCalibration, timing: Timing) -> list[str]:
    """What the reader should know: `counts` has the open deals, and those without an amount
    or an expected close date."""
    notes = []
    if counts["deals"] == 0:
        notes.append("no open deals: every forecast is what is already won")
    no_amount = counts["no_amount"]
    if no_amount:
        notes.append(f"{no_amount} open deals have no amount and count as 0")
    no_close = counts["no_close"]
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
