"""The open deals of a forecast summed per owner and category in one pass (PIPE-2, PIPE-3).

Nothing per deal is kept: every method's sum, the gaps the notes report, and the sums of the
bookings distribution's mean and variance come out per (owner, category). When the source
gives no forecast category, a deal's category is worked out as a small number (the band its
probability falls in, demoted by the commit checklist) and named after the sums, so no text
is made per deal; the numbers are the same as by name.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import polars as pl

from dealplan.engines.deal_frame import COMMIT_CHECKLIST
from dealplan.engines.forecast_distribution import (
    Distribution,
    bookings_distribution,
    no_bookings,
    normal_distribution,
)
from dealplan.engines.forecast_settings import ForecastSettings


def absent_columns(deals: pl.LazyFrame, names: Collection[str]) -> frozenset[str]:
    """Those of `names` that are null in every deal (all of them when there is no deal)."""
    wanted = list(dict.fromkeys(names))
    counts = deals.select(pl.len().alias("__n"), *[pl.col(c).null_count() for c in wanted])
    row = counts.collect().row(0, named=True)
    n = row.pop("__n")
    return frozenset(c for c, nulls in row.items() if nulls == n)


def category_code(
    s: ForecastSettings, absent: Collection[str], probability: pl.Expr
) -> tuple[pl.Expr, list[str]] | None:
    """(`category` as a number, the names by number) when no deal states a category; None
    when one may (then the category is named per deal, `forecast.categorize`).

    The same rule as `forecast.category_expr` and `forecast.categorize`: the first band the
    probability reaches, else "unknown"; a commit deal with a commit-checklist item False is
    best case."""
    names = [name for name, _ in s.bands]
    if "forecast_category" not in absent or len(set(names)) != len(names):
        return None
    for extra in ("unknown", "best_case"):
        if extra not in names:
            names.append(extra)
    code: Any = pl.lit(names.index("unknown"), pl.UInt8)
    for i, (_, low) in reversed(list(enumerate(s.bands))):
        code = pl.when(probability >= low).then(pl.lit(i, pl.UInt8)).otherwise(code)
    present = [c for c in COMMIT_CHECKLIST if c not in absent]
    if present and "commit" in names:
        failed = pl.any_horizontal([(pl.col(c) == False).fill_null(False) for c in present])  # noqa: E712
        demote = (code == names.index("commit")) & failed
        code = pl.when(demote).then(pl.lit(names.index("best_case"), pl.UInt8)).otherwise(code)
    return code.alias("category"), names


def chance() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(v, p, kept): value and chance as the distribution reads them, and the deals it counts."""
    v = pl.col("value").fill_nan(0.0)
    p = pl.col("p_calibrated").fill_nan(0.0).clip(0.0, 1.0)
    return v, p, (v > 0) & (p > 0)


def by_owner_category(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Per owner and category: deals, value, every method's sum, the gaps, and the sums of the
    distribution's mean and variance.

    Each term is a column first (0.0 where a deal does not count) and the aggregation only
    sums columns: Polars sums plain columns per group on its fast path, where a filter inside
    the aggregation is worked out group by group."""
    inp = pl.col("in_period")
    v, p, kept = chance()
    zero = pl.lit(0.0)
    terms = frame.with_columns(
        __stage=pl.when(inp).then(pl.col("value") * pl.col("p_stage")).otherwise(zero),
        __in_period=pl.when(inp).then(pl.col("value")).otherwise(zero),
        __calibrated=pl.col("value") * pl.col("p_calibrated"),
        __kept=kept,
        __mean=pl.when(kept).then(v * p).otherwise(zero),
        __variance=pl.when(kept).then(p * (1 - p) * v * v).otherwise(zero),
    )
    return terms.group_by("owner", "category").agg(
        deals=pl.len(),
        value=pl.col("value").sum(),
        in_period=inp.sum(),
        stage_weighted=pl.col("__stage").sum(),
        value_in_period=pl.col("__in_period").sum(),
        calibrated=pl.col("__calibrated").sum(),
        no_amount=pl.col("amount").null_count(),
        no_close=pl.col("close_date").null_count(),
        chances=pl.col("__kept").sum(),
        mean=pl.col("__mean").sum(),
        variance=pl.col("__variance").sum(),
    )


def named(by: pl.DataFrame, names: list[str] | None) -> pl.DataFrame:
    """`by` with its category numbers replaced by their names (as is when already named)."""
    if names is None:
        return by
    return by.with_columns(
        pl.col("category").replace_strict(dict(enumerate(names)), return_dtype=pl.String)
    )


def distribution(frame: pl.LazyFrame, by: pl.DataFrame, s: ForecastSettings) -> Distribution:
    """P10/P50/P90 of the open deals' bookings: exact for a few deals, else normal from sums."""
    n = int(by["chances"].sum() or 0)
    if n == 0:
        return no_bookings()
    if n > s.exact_max_deals:
        return normal_distribution(float(by["mean"].sum()), float(by["variance"].sum()), n)
    v, p, kept = chance()
    chances = frame.filter(kept).select(v.alias("v"), p.alias("p")).collect()
    return bookings_distribution(chances["v"].to_numpy(), chances["p"].to_numpy(), s)
