"""Close timing learnt by replaying past periods (PIPE-3).

For a target window (deals open at `as_of`, won between `max(as_of, start)` and `end`), the
same window is moved back one, two, ... periods. In each past window every deal open at its
observation point is put in an age band (days since created), and the share of that value won
inside the window is counted. The share per band is learnt per season position (month of the
quarter, quarter of the year), shrunk toward the share over all positions, which is shrunk
toward the share over all bands: `(won value / mean deal value + k * prior) / (deals + k)`.
This is the empirical distribution of cycle lengths conditional on a deal having survived to
its age, with the win rate folded in. The close rate (won or lost) is learnt the same way,
by count, for deals whose win probability is set by hand.

Only windows that ended by `as_of` and began on or after the period of the first known close
are used, so no window looks past `as_of` and none predates the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from dealplan.engines.forecast_period import Period, add_months
from dealplan.engines.forecast_settings import ForecastSettings


@dataclass(frozen=True)
class Timing:
    """Learnt rates by age band for the target's position, and the new-deal run rate."""

    windows: list[str]  # labels of the past periods replayed
    same_position: list[str]  # those in the target's season position
    bands: pl.DataFrame  # band, label, deals, value, won_value, closed, won_rate, close_rate
    new_run_rate: float  # value won from deals created inside a window, per window
    new_windows: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "windows": self.windows,
            "same_position": self.same_position,
            "bands": self.bands.to_dicts(),
            "new_run_rate": self.new_run_rate,
            "new_windows": self.new_windows,
        }


def band_expr(observe: pl.Expr | dt.date, s: ForecastSettings) -> pl.Expr:
    """Age band at `observe`: 0 for 0..band_days-1 days since created, capped at bands-1."""
    obs = pl.lit(observe) if isinstance(observe, dt.date) else observe
    days = (obs - pl.col("created_date")).dt.total_days()
    return (days // s.band_days).clip(0, s.age_bands - 1).cast(pl.Int32).alias("band")


def band_label(band: int, s: ForecastSettings) -> str:
    lo = band * s.band_days
    return f"{lo}+ days" if band == s.age_bands - 1 else f"{lo}-{lo + s.band_days - 1} days"


def _windows(
    target: Period, as_of: dt.date, first_close: dt.date | None, s: ForecastSettings
) -> pl.DataFrame:
    step = 1 if target.freq == "month" else 3
    start = max(as_of, target.start)
    rows: list[dict[str, Any]] = []
    for k in range(1, s.max_windows + 1):
        p = target.shifted(-k)
        ws, we, obs = add_months(start, -k * step), p.end, add_months(as_of, -k * step)
        if we > as_of:
            continue
        if first_close is None or p.end <= first_close:
            break
        rows.append({"k": k, "obs": obs, "ws": ws, "we": we, "pos": p.position, "label": p.label})
    schema = {"k": pl.Int32, "obs": pl.Date, "ws": pl.Date, "we": pl.Date, "pos": pl.Int32}
    return pl.DataFrame(rows, schema={**schema, "label": pl.String})


def learn_timing(
    deals: pl.LazyFrame, target: Period, as_of: dt.date, s: ForecastSettings
) -> Timing:
    """Replay past windows of `deals` (the deal table as known at `as_of`)."""
    # The outcome is compared once per deal here, not once per window: every window reads
    # these flags (a deal without an outcome is neither won nor closed).
    outcome = pl.col("outcome")
    known = (
        deals.select(
            "created_date",
            "close_date",
            pl.col("amount").cast(pl.Float64),
            won=(outcome == "won").fill_null(False),
            closed=outcome.is_in(["won", "lost"]).fill_null(False),
        )
        .filter(pl.col("created_date").is_not_null())
        .collect()
        .lazy()
    )
    first_close = (
        known.filter(pl.col("closed") & (pl.col("close_date") < as_of))
        .select(pl.col("close_date").min())
        .collect()
        .item()
    )
    windows = _windows(target, as_of, first_close, s)
    same = windows.filter(pl.col("pos") == target.position)
    empty_bands = _empty_bands(s)
    if windows.height == 0:
        return Timing([], [], empty_bands, 0.0, 0)
    # One aggregate per past window (at most max_windows), run together: per age band of the
    # deals open at the window's observation point, and (band null) the deals created and won
    # inside the window. No deal x window rows are materialised.
    parts = pl.concat(
        [_window_counts(known, w, s) for w in windows.iter_rows(named=True)]
    ).collect()
    open_at = parts.filter(pl.col("band").is_not_null())
    n_amount = int(open_at["amt_n"].sum() or 0)
    mean_value = float(open_at["amt"].sum()) / n_amount if n_amount else None
    if mean_value:
        # weight = amount, a missing amount counting as the mean amount
        value = pl.col("amt") + mean_value * (pl.col("deals") - pl.col("amt_n"))
        won_value = pl.col("won_amt") + mean_value * pl.col("won_null")
    else:
        value, won_value = pl.col("deals").cast(pl.Float64), pl.col("won_n").cast(pl.Float64)
    per = (
        open_at.with_columns(value=value, won_value=won_value)
        .group_by("pos", "band")
        .agg(
            deals=pl.col("deals").sum(),
            value=pl.col("value").sum(),
            won_value=pl.col("won_value").sum(),
            closed=pl.col("closed").sum(),
        )
    )
    rates = _shrunk_rates(per, target.position, (mean_value or 1.0), s)
    new = parts.group_by("k").agg(v=pl.col("new").sum())
    per_window = windows.select("k", "pos").join(new, on="k", how="left").fill_null(0.0)
    pick = per_window.filter(pl.col("pos") == target.position)
    if pick.height == 0:
        pick = per_window
    mean_new = pick["v"].mean()
    run_rate = float(mean_new) if isinstance(mean_new, int | float) else 0.0
    return Timing(windows["label"].to_list(), same["label"].to_list(), rates, run_rate, pick.height)


def _window_counts(known: pl.LazyFrame, w: dict[str, Any], s: ForecastSettings) -> pl.LazyFrame:
    """Counts and sums of one past window `w` (k, obs, ws, we, pos) by age band at `obs`."""
    obs, ws, we = pl.lit(w["obs"]), pl.lit(w["ws"]), pl.lit(w["we"])
    created, close, amount = pl.col("created_date"), pl.col("close_date"), pl.col("amount")
    inside = close.is_between(ws, we, closed="left")
    won = (pl.col("won") & inside).fill_null(False)
    closed = (pl.col("closed") & inside).fill_null(False)
    open_at = (created <= obs) & (close.is_null() | (close >= obs))
    new = (created > obs) & won & (created < we)
    # Every term is a column before the aggregation, which then only sums columns (Polars'
    # fast path; a filter inside an aggregation is worked out group by group).
    terms = known.with_columns(
        __open=open_at,
        __won=won,
        __closed=closed,
        __won_amt=pl.when(won).then(amount),
        __won_null=won & amount.is_null(),
        __new=pl.when(new).then(amount.fill_null(0.0)).otherwise(pl.lit(0.0)),
        __kept=open_at | new,
    ).filter(pl.col("__kept"))
    return (
        terms.group_by(pl.when(pl.col("__open")).then(band_expr(w["obs"], s)).alias("band"))
        .agg(
            deals=pl.len().cast(pl.Int64),
            amt=amount.sum(),
            amt_n=amount.count().cast(pl.Int64),
            won_amt=pl.col("__won_amt").sum(),
            won_n=pl.col("__won").sum().cast(pl.Int64),
            won_null=pl.col("__won_null").sum().cast(pl.Int64),
            closed=pl.col("__closed").sum().cast(pl.Int64),
            new=pl.col("__new").sum(),
        )
        .with_columns(k=pl.lit(w["k"], pl.Int32), pos=pl.lit(w["pos"], pl.Int32))
    )


def _empty_bands(s: ForecastSettings) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "band": list(range(s.age_bands)),
            "label": [band_label(b, s) for b in range(s.age_bands)],
            "deals": [0] * s.age_bands,
            "won_rate": [0.0] * s.age_bands,
            "close_rate": [0.0] * s.age_bands,
        },
        schema={
            "band": pl.Int32,
            "label": pl.String,
            "deals": pl.Int64,
            "won_rate": pl.Float64,
            "close_rate": pl.Float64,
        },
    )


def _shrunk_rates(
    per: pl.DataFrame, position: int, mean_value: float, s: ForecastSettings
) -> pl.DataFrame:
    k = s.prior_strength
    tot = per.select(pl.col("deals").sum(), pl.col("won_value").sum(), pl.col("closed").sum())
    n_all, won_all, closed_all = (float(x or 0) for x in tot.row(0))
    won_all_rate = won_all / mean_value / n_all if n_all else 0.0
    close_all_rate = closed_all / n_all if n_all else 0.0
    pooled = per.group_by("band").agg(
        pn=pl.col("deals").sum(), pw=pl.col("won_value").sum(), pc=pl.col("closed").sum()
    )
    mine = per.filter(pl.col("pos") == position).select(
        "band", mn="deals", mw="won_value", mc="closed"
    )
    bands = pl.DataFrame({"band": list(range(s.age_bands))}, schema={"band": pl.Int32})
    t = bands.join(pooled, on="band", how="left").join(mine, on="band", how="left").fill_null(0)
    pooled_won = (pl.col("pw") / mean_value + k * won_all_rate) / (pl.col("pn") + k)
    pooled_close = (pl.col("pc") + k * close_all_rate) / (pl.col("pn") + k)
    labels = pl.DataFrame(
        {"band": list(range(s.age_bands)), "label": [band_label(b, s) for b in range(s.age_bands)]},
        schema={"band": pl.Int32, "label": pl.String},
    )
    return (
        t.join(labels, on="band")
        .with_columns(
            deals=pl.col("mn").cast(pl.Int64),
            pooled_deals=pl.col("pn").cast(pl.Int64),
            won_rate=((pl.col("mw") / mean_value + k * pooled_won) / (pl.col("mn") + k)).clip(0, 1),
            close_rate=((pl.col("mc") + k * pooled_close) / (pl.col("mn") + k)).clip(0, 1),
        )
        .select("band", "label", "deals", "pooled_deals", "won_rate", "close_rate")
    )
