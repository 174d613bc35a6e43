"""Win/loss analysis (PIPE-5): win rates by dimension, the patterns in them, loss reasons.

Only closed deals count: an open deal is neither a win nor a loss. A pattern is a dimension
whose best and worst win rate, among values with at least `min_deals` closed deals, differ by
more than the settings' gap (15 points); every rate carries the deal counts behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import polars as pl

from dealplan.engines.analysis_settings import AnalysisSettings

WON, LOST, OPEN = "won", "lost", "open"
NOT_RECORDED = "(not recorded)"
# Dimensions computed from other columns rather than read from the deal table.
BANDED = {"size_band": ("amount", "size_bands"), "cycle_band": ("cycle_days", "cycle_bands")}


@dataclass(frozen=True)
class Rate:
    """The closed deals with one value of a dimension."""

    value: str
    deals: int
    won: int
    lost: int
    win_rate: float
    won_value: float
    lost_value: float


@dataclass(frozen=True)
class Pattern:
    dimension: str
    best: Rate
    worst: Rate
    gap_points: float
    reason: str


@dataclass(frozen=True)
class Dimension:
    name: str
    rates: list[Rate]  # compared values, bands in band order, others by deals
    left_out: list[Rate]  # values under min_deals
    unknown: int  # closed deals without a value
    pattern: Pattern | None
    note: str | None = None


@dataclass(frozen=True)
class LossReason:
    reason: str
    deals: int
    value: float
    share: float  # of lost deals


@dataclass(frozen=True)
class WinLoss:
    as_of: dt.date | None
    closed: int
    won: int
    lost: int
    open_excluded: int
    win_rate: float | None
    won_value: float
    lost_value: float
    value_win_rate: float | None
    min_deals: int
    gap_points: float
    dimensions: list[Dimension]
    patterns: list[Pattern]  # largest gap first
    loss_reasons: list[LossReason]
    competitive: dict[str, Rate]  # competitive / no_competitor / unknown
    map_participation: dict[str, Rate]  # with_map / without_map, when MAPs are known
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _band(column: str, bands: tuple[tuple[str, float], ...]) -> pl.Expr:
    expr: Any = pl.lit(None, dtype=pl.String)
    for label, upper in reversed(bands):
        expr = pl.when(pl.col(column) < upper).then(pl.lit(label)).otherwise(expr)
    # A zero amount is no amount (Maven records its lost deals at 0).
    known = pl.col(column) > 0 if column == "amount" else pl.col(column) >= 0
    return pl.when(known).then(expr)


def _competition(settings: AnalysisSettings) -> pl.Expr:
    name = pl.col("competitor").str.strip_chars().str.to_lowercase()
    return (
        pl.when(name.is_null() | (name == "") | name.is_in(list(settings.unknown_competitor)))
        .then(pl.lit("unknown"))
        .when(name.is_in(list(settings.no_competitor)))
        .then(pl.lit("no_competitor"))
        .otherwise(pl.lit("competitive"))
    )


def _rates(frame: pl.LazyFrame, key: str) -> pl.LazyFrame:
    return frame.group_by(key).agg(
        pl.len().alias("deals"),
        pl.col("is_won").sum().alias("won"),
        pl.col("amount").filter(pl.col("is_won")).sum().alias("won_value"),
        pl.col("amount").filter(~pl.col("is_won")).sum().alias("lost_value"),
    )


def _rate(row: dict[str, Any], key: str) -> Rate:
    deals, won = int(row["deals"]), int(row["won"])
    return Rate(
        value=str(row[key]),
        deals=deals,
        won=won,
        lost=deals - won,
        win_rate=won / deals,
        won_value=float(row["won_value"] or 0.0),
        lost_value=float(row["lost_value"] or 0.0),
    )


def columns(settings: AnalysisSettings) -> tuple[str, ...]:
    """The deal-table columns the analysis reads (a deal file's others need no parsing)."""
    base = ("outcome", "close_date", "amount", "cycle_days", "competitor", "loss_reason")
    dims = (d for d in settings.dimensions if d not in BANDED)
    return tuple(dict.fromkeys((*base, "map_exists", *dims)))


def winloss(
    deals: pl.LazyFrame | pl.DataFrame,
    *,
    settings: AnalysisSettings,
    as_of: dt.date | None = None,
    min_deals: int | None = None,
) -> WinLoss:
    """PIPE-5 over the deal table `deals`.

    With `as_of`, a deal closed after that date counts as still open then. `min_deals`
    overrides the settings' minimum per compared value. An all-open table gives no rates and
    says so in `notes`.
    """
    minimum = settings.min_deals if min_deals is None else min_deals
    lf = deals.lazy()
    closed_now = pl.col("outcome").is_in([WON, LOST])
    if as_of is not None:
        closed_now = closed_now & (pl.col("close_date").is_null() | (pl.col("close_date") <= as_of))
    present = set(lf.collect_schema().names())
    dims = [d for d in settings.dimensions if d in BANDED or d in present]
    closed = (
        lf.filter(closed_now)
        .with_columns(
            (pl.col("outcome") == WON).alias("is_won"),
            pl.col("amount").fill_null(0.0),
            *(
                _band(source, getattr(settings, bands)).alias(name)
                for name, (source, bands) in BANDED.items()
            ),
            _competition(settings).alias("competition"),
        )
        .select("is_won", "amount", "loss_reason", "map_exists", "competition", *dims)
    )
    queries = [
        lf.select(
            closed_now.sum().alias("closed"),
            (~closed_now & pl.col("outcome").is_not_null()).sum().alias("open"),
        ),
        _rates(closed, "competition"),
        _rates(closed.filter(pl.col("map_exists").is_not_null()), "map_exists"),
        closed.filter(~pl.col("is_won"))
        .group_by(pl.col("loss_reason").fill_null(NOT_RECORDED))
        .agg(pl.len().alias("deals"), pl.col("amount").sum().alias("value")),
        *(_rates(closed.with_columns(pl.col(d).cast(pl.String)), d) for d in dims),
    ]
    counts, competition, maps, reasons, *by_dim = pl.collect_all(queries)
    n_closed, n_open = int(counts["closed"][0] or 0), int(counts["open"][0] or 0)
    notes: list[str] = []
    if n_closed == 0:
        notes.append("no closed deals: win rates need won or lost deals (open deals are neither)")
    totals = (
        _rate(
            {
                "total": "all",
                "deals": n_closed,
                "won": int(competition["won"].sum() or 0),
                "won_value": competition["won_value"].sum(),
                "lost_value": competition["lost_value"].sum(),
            },
            "total",
        )
        if n_closed
        else None
    )
    dimensions: list[Dimension] = []
    for d, frame in zip(dims, by_dim, strict=True):
        dim = _dimension(d, frame, settings, minimum)
        if dim is None:
            continue
        known = frame.filter(pl.col(d).is_not_null())
        won_known, all_known = int(known["won"].sum() or 0), int(known["deals"].sum() or 0)
        if won_known in (0, all_known):
            side = "won" if won_known else "lost"
            notes.append(
                f"{d}: known only on {side} deals, so it gives the outcome away; not compared"
            )
            continue
        same = next(
            (x.name for x in dimensions if x.rates == dim.rates and x.left_out == dim.left_out),
            None,
        )
        if same is not None:
            notes.append(f"{d}: the same groups as {same}; shown once")
            continue
        dimensions.append(dim)
    patterns = sorted(
        (d.pattern for d in dimensions if d.pattern is not None), key=lambda p: -p.gap_points
    )
    comp = {
        r.value: r for r in (_rate(x, "competition") for x in competition.iter_rows(named=True))
    }
    if "competitive" not in comp:
        notes.append("no deal names a competitor: no competitive win rate")
    mp = {
        ("with_map" if r["map_exists"] else "without_map"): _rate(r, "map_exists")
        for r in maps.iter_rows(named=True)
    }
    if not mp:
        notes.append("no MAP information on the closed deals: MAP participation not compared")
    lost_total = max(int(reasons["deals"].sum() or 0), 1)
    loss_reasons = [
        LossReason(
            r["loss_reason"], int(r["deals"]), float(r["value"] or 0.0), r["deals"] / lost_total
        )
        for r in reasons.sort(
            ["deals", "value", "loss_reason"], descending=[True, True, False]
        ).iter_rows(named=True)
    ]
    won_value = totals.won_value if totals else 0.0
    lost_value = totals.lost_value if totals else 0.0
    return WinLoss(
        as_of=as_of,
        closed=n_closed,
        won=totals.won if totals else 0,
        lost=totals.lost if totals else 0,
        open_excluded=n_open,
        win_rate=totals.win_rate if totals else None,
        won_value=won_value,
        lost_value=lost_value,
        value_win_rate=won_value / (won_value + lost_value) if won_value + lost_value else None,
        min_deals=minimum,
        gap_points=settings.pattern_gap_points,
        dimensions=dimensions,
        patterns=patterns,
        loss_reasons=loss_reasons,
        competitive=comp,
        map_participation=mp,
        notes=notes,
    )


def _dimension(
    name: str, frame: pl.DataFrame, settings: AnalysisSettings, minimum: int
) -> Dimension | None:
    """One dimension's rates and pattern; None when no closed deal has a value for it."""
    unknown = int(frame.filter(pl.col(name).is_null())["deals"].sum() or 0)
    rows = [_rate(r, name) for r in frame.filter(pl.col(name).is_not_null()).iter_rows(named=True)]
    if not rows:
        return None
    if name in BANDED:
        order = {label: i for i, (label, _) in enumerate(getattr(settings, BANDED[name][1]))}
        rows.sort(key=lambda r: order[r.value])
    else:
        rows.sort(key=lambda r: (-r.deals, r.value))
    kept = [r for r in rows if r.deals >= minimum]
    left_out = [r for r in rows if r.deals < minimum]
    note = None
    if left_out:
        note = (
            f"{len(left_out)} value(s) with fewer than {minimum} closed deals left out: "
            + ", ".join(f"{r.value} ({r.deals})" for r in left_out[:5])
            + (", ..." if len(left_out) > 5 else "")
        )
    pattern = None
    if len(kept) >= 2:
        ranked = sorted(kept, key=lambda r: (-r.win_rate, -r.deals, r.value))
        best, worst = ranked[0], ranked[-1]
        gap = round((best.win_rate - worst.win_rate) * 100, 1)
        if gap > settings.pattern_gap_points:
            pattern = Pattern(
                name,
                best,
                worst,
                gap,
                f"{name} {best.value}: {best.win_rate:.0%} of {best.deals} won; "
                f"{worst.value}: {worst.win_rate:.0%} of {worst.deals} won "
                f"({gap:.1f} points apart, more than {settings.pattern_gap_points:g})",
            )
    return Dimension(name, kept, left_out, unknown, pattern, note)
