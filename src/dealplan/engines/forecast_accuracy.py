"""Forecast accuracy: stored snapshots against the value actually won (PIPE-4).

A snapshot row (period, as_of, owner, method, forecast) is scored once its period has ended
(`period_end <= as_of` of the check): actual = value of deals won in the period (by the owner,
or by everyone for the team row); error = forecast - actual; the percentage error divides by
the actual (undefined when nothing was won). Bias is the mean signed percentage error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from dealplan.engines.deal_frame import conform

TEAM = "(team)"


@dataclass(frozen=True)
class Accuracy:
    rows: list[dict[str, Any]]  # one per scored snapshot row
    by_period: list[dict[str, Any]]  # period, method: mape, bias (team rows)
    by_owner: list[dict[str, Any]]  # owner, method: mape, bias
    pending: list[str]  # periods not ended yet

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "by_period": self.by_period,
            "by_owner": self.by_owner,
            "pending": self.pending,
        }


_SNAP = {
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "as_of": pl.Date,
    "owner": pl.String,
    "method": pl.String,
    "forecast": pl.Float64,
}


def accuracy(snapshots: list[dict[str, Any]], deals: pl.LazyFrame, as_of: dt.date) -> Accuracy:
    """Score `snapshots` (service.snapshots rows) against the won deals of `deals`."""
    snaps = pl.DataFrame([{k: r[k] for k in _SNAP} for r in snapshots], schema=_SNAP)
    snaps = snaps.with_columns(owner=pl.col("owner").fill_null(TEAM))
    ended = snaps.filter(pl.col("period_end") <= as_of)
    pending = sorted(set(snaps.filter(pl.col("period_end") > as_of)["period"].to_list()))
    won = (
        conform(deals)
        .filter((pl.col("outcome") == "won") & pl.col("close_date").is_not_null())
        .select("owner", "close_date", v=pl.col("amount").fill_null(0.0))
        .collect()
    )
    periods = ended.select("period", "period_start", "period_end").unique()
    per_owner = (
        periods.join(won, how="cross")
        .filter(pl.col("close_date").is_between("period_start", "period_end", closed="left"))
        .group_by("period", "owner")
        .agg(actual=pl.col("v").sum())
    )
    team = (
        per_owner.group_by("period")
        .agg(actual=pl.col("actual").sum())
        .with_columns(owner=pl.lit(TEAM))
    )
    actuals = pl.concat([per_owner, team.select(per_owner.columns)])
    scored = (
        ended.join(actuals, on=["period", "owner"], how="left")
        .with_columns(actual=pl.col("actual").fill_null(0.0))
        .with_columns(error=pl.col("forecast") - pl.col("actual"))
        .with_columns(
            error_pct=pl.when(pl.col("actual") > 0).then(pl.col("error") / pl.col("actual"))
        )
        .sort("period_start", "as_of", "owner", "method")
        .drop("period_end")
    )

    def summary(by: list[str], frame: pl.DataFrame) -> list[dict[str, Any]]:
        return (
            frame.group_by(by)
            .agg(
                snapshots=pl.len(),
                mape=pl.col("error_pct").abs().mean(),
                bias=pl.col("error_pct").mean(),
                error=pl.col("error").mean(),
            )
            .sort(by)
            .to_dicts()
        )

    return Accuracy(
        scored.to_dicts(),
        summary(["period", "method"], scored.filter(pl.col("owner") == TEAM)),
        summary(["owner", "method"], scored.filter(pl.col("owner") != TEAM)),
        pending,
    )
