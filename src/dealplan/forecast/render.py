"""Rich tables for people: the forecast, its accuracy and the backtest (PIPE-2 to PIPE-4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dealplan.cli.app import out, show, table
from dealplan.engines.forecast import ForecastResult
from dealplan.engines.forecast_accuracy import Accuracy
from dealplan.engines.forecast_backtest import BacktestResult


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


def _money(x: float | None) -> str:
    return "" if x is None else f"{x:,.0f}"


def render_forecast(r: ForecastResult, chart: Path | None) -> None:
    p = r.period
    out.print(
        f"Forecast for {p.label} ({p.start} to {p.end}), as of {r.as_of}; "
        f"won so far {_money(r.won_to_date)}",
        highlight=False,
    )
    show(
        table(
            "Forecast categories (open deals)",
            ["category", "deals", "value", "closing in period"],
            [[c["category"], c["deals"], _money(c["value"]), c["in_period"]] for c in r.categories],
        )
    )
    if r.demotions:
        show(
            table(
                "Commit deals demoted to best case (commit checklist)",
                ["deal", "name", "owner", "amount", "reasons"],
                [
                    [
                        d["id"],
                        d["name"],
                        d["owner"],
                        _money(d["amount"]),
                        ", ".join(f"{x} is no" for x in d["reasons"]),
                    ]
                    for d in r.demotions
                ],
            )
        )
    d = r.distribution
    show(
        table(
            "Forecasts side by side",
            ["method", "forecast"],
            [[m, _money(v)] for m, v in r.totals.items()],
        )
    )
    show(
        table(
            f"Bookings distribution (calibrated; {d.method}, {d.deals} deals with a chance)",
            ["P10", "P50", "P90", "mean"],
            [[_money(d.p10), _money(d.p50), _money(d.p90), _money(d.mean)]],
        )
    )
    cal = r.calibration
    rows: list[list[Any]] = []
    for rate in [cal.overall, *cal.stages, *cal.dimensions]:
        rows.append(
            [
                rate.dimension,
                rate.value,
                rate.closed,
                rate.won,
                _pct(rate.raw),
                _pct(rate.prior),
                _pct(rate.rate),
            ]
        )
    show(
        table(
            "Calibration: win rates (shrunk toward the prior; counts behind each)",
            ["dimension", "value", "closed", "won", "raw", "prior", "rate"],
            rows,
        )
    )
    t = r.timing
    show(
        table(
            f"Close timing: share won inside a period like this one, by age "
            f"({len(t.windows)} past periods, {len(t.same_position)} in the same position)",
            ["age", "deals seen", "won share", "close rate"],
            [
                [b["label"], b["deals"], _pct(b["won_rate"]), _pct(b["close_rate"])]
                for b in t.bands.to_dicts()
            ],
        )
    )
    out.print(f"expected from deals not yet created: {_money(r.new_deals)}", highlight=False)
    for n in r.notes:
        out.print(f"note: {n}", highlight=False)
    if chart is not None:
        out.print(f"chart: {chart}", highlight=False)


def render_accuracy(a: Accuracy) -> None:
    show(
        table(
            "Forecast accuracy by period (team)",
            ["period", "method", "snapshots", "mean error", "MAPE", "bias"],
            [
                [
                    r["period"],
                    r["method"],
                    r["snapshots"],
                    _money(r["error"]),
                    _pct(r["mape"]),
                    _pct(r["bias"]),
                ]
                for r in a.by_period
            ],
        )
    )
    show(
        table(
            "Forecast accuracy by owner",
            ["owner", "method", "snapshots", "mean error", "MAPE", "bias"],
            [
                [
                    r["owner"],
                    r["method"],
                    r["snapshots"],
                    _money(r["error"]),
                    _pct(r["mape"]),
                    _pct(r["bias"]),
                ]
                for r in a.by_owner
            ],
        )
    )
    if a.pending:
        out.print(f"not ended yet: {', '.join(a.pending)}", highlight=False)


def render_backtest(b: BacktestResult, chart: Path | None) -> None:
    show(
        table(
            f"Forecast backtest by {b.freq}",
            ["method", "periods", "MAPE", "bias"],
            [[m, s["periods"], _pct(s["mape"]), _pct(s["bias"])] for m, s in b.methods.items()],
        )
    )
    methods = list(b.methods)
    show(
        table(
            "Per period: forecast (error)",
            ["period", "actual", *methods],
            [
                [p["period"], _money(p["actual"])]
                + [f"{_money(p['forecasts'][m])} ({p['errors'][m]:+.0%})" for m in methods]
                for p in b.periods
            ],
        )
    )
    for s in b.skipped:
        out.print(f"warm-up, not scored: {s['period']}: {s['reason']}", highlight=False)
    if chart is not None:
        out.print(f"chart: {chart}", highlight=False)
