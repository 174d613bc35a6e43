"""Charts of the forecast (distribution and methods) and of the forecast backtest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dealplan.engines.forecast import ForecastResult
from dealplan.engines.forecast_backtest import BacktestResult


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _money(x: float, _pos: Any = None) -> str:
    if abs(x) >= 1e6:
        return f"{x / 1e6:.1f}M"
    if abs(x) >= 1e3:
        return f"{x / 1e3:.0f}k"
    return f"{x:.0f}"


def forecast_chart(r: ForecastResult, path: Path) -> None:
    """Left: the bookings CDF with P10/P50/P90; right: the methods side by side."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter

    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    d = r.distribution
    if d.grid:
        cdf = np.cumsum(d.mass)
        ax1.step(d.grid, cdf, where="post", color="#1f77b4", label="P(bookings <= x)")
        lo = d.grid[int(np.searchsorted(cdf, 0.001))]
        hi = d.grid[min(int(np.searchsorted(cdf, 0.999)), len(d.grid) - 1)]
        pad = max((hi - lo) * 0.15, 1.0)
        ax1.set_xlim(lo - pad, hi + pad)
    else:
        from statistics import NormalDist

        sd = (d.p90 - d.p50) / 1.2815515655446004 or 1.0
        xs = np.linspace(d.p50 - 4 * sd, d.p50 + 4 * sd, 200)
        ax1.plot(xs, [NormalDist(d.p50, sd).cdf(x) for x in xs], label="normal approximation")
    for q, v, c in (
        ("P10", d.p10, "#d62728"),
        ("P50", d.p50, "#2ca02c"),
        ("P90", d.p90, "#9467bd"),
    ):
        ax1.axvline(v, color=c, linestyle="--", label=f"{q} {_money(v)}")
    ax1.set_ylim(0, 1.05)
    ax1.set_title(f"{r.period.label} bookings distribution ({d.method})")
    ax1.set_xlabel("bookings in the period")
    ax1.set_ylabel("cumulative probability")
    ax1.xaxis.set_major_formatter(FuncFormatter(_money))
    ax1.legend(loc="lower right", fontsize=8)
    names = list(r.totals)
    values = [r.totals[m] for m in names]
    bars = ax2.bar(names, values, color=["#8c8c8c", "#ff7f0e", "#1f77b4"][: len(names)])
    ax2.bar_label(bars, labels=[_money(v) for v in values], fontsize=9)
    ax2.axhline(r.won_to_date, color="black", linewidth=1, label="won so far")
    ax2.set_title(f"{r.period.label} forecast by method (as of {r.as_of})")
    ax2.set_ylabel("forecast bookings")
    ax2.yaxis.set_major_formatter(FuncFormatter(_money))
    ax2.set_ylim(0, max([*values, r.won_to_date, 1.0]) * 1.2)
    ax2.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def backtest_chart(b: BacktestResult, path: Path) -> None:
    """Left: actual and each method per period; right: MAPE per method."""
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), width_ratios=[2, 1])
    labels = [p["period"] for p in b.periods]
    ax1.plot(
        labels,
        [p["actual"] for p in b.periods],
        color="black",
        linewidth=2.5,
        label="actual won",
        marker="o",
    )
    for m in b.methods:
        ax1.plot(labels, [p["forecasts"][m] for p in b.periods], marker=".", label=m)
    ax1.set_title(f"Forecast backtest by {b.freq}: forecast at period start vs actual")
    ax1.set_xlabel(b.freq)
    ax1.set_ylabel("won value")
    ax1.yaxis.set_major_formatter(FuncFormatter(_money))
    ax1.tick_params(axis="x", rotation=45)
    ax1.legend(fontsize=8)
    names = list(b.methods)
    mapes = [b.methods[m]["mape"] or 0.0 for m in names]
    bars = ax2.barh(names, mapes, color="#1f77b4")
    ax2.bar_label(bars, labels=[f"{v:.0%}" for v in mapes], fontsize=9)
    ax2.set_title("MAPE by method (lower is better)")
    ax2.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax2.set_xlim(0, max([*mapes, 0.1]) * 1.25)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
