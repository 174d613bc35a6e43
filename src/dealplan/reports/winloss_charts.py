"""Charts for `dealplan winloss` (PIPE-5) and `dealplan waterfall` (PIPE-8)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dealplan.errors import InputError

if TYPE_CHECKING:
    from dealplan.engines.waterfall import Waterfall
    from dealplan.engines.winloss import WinLoss

SUFFIXES = (".png", ".svg")


def _check(out: Path) -> None:
    if out.suffix.lower() not in SUFFIXES:
        raise InputError(f"--chart {out}: the file name must end in .png or .svg")


def winloss_chart(result: WinLoss, out: Path, *, max_values: int = 10) -> None:
    """Win rate by dimension, deal counts on the bars; a pattern's best and worst highlighted."""
    _check(out)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dims = result.dimensions or []
    if not dims:
        raise InputError("--chart: no closed deals with any dimension to chart")
    cols = 2 if len(dims) > 1 else 1
    rows = (len(dims) + cols - 1) // cols
    height = 0.45 * max_values * rows + 1.5
    fig, axes = plt.subplots(rows, cols, figsize=(7 * cols, height), squeeze=False)
    overall = result.win_rate
    for ax, d in zip(axes.flat, dims, strict=False):
        rates = d.rates if d.name.endswith("_band") else sorted(d.rates, key=lambda r: -r.deals)
        best = d.pattern.best.value if d.pattern else None
        worst = d.pattern.worst.value if d.pattern else None
        # The pattern's two values are always drawn, whatever their deal counts.
        shown = {r.value for r in rates[:max_values]} | {best, worst}
        rates = [r for r in rates if r.value in shown][::-1]
        colors = [
            "#2e7d32" if r.value == best else "#c62828" if r.value == worst else "#9e9e9e"
            for r in rates
        ]
        y = range(len(rates))
        ax.barh(list(y), [r.win_rate * 100 for r in rates], color=colors)
        ax.set_yticks(list(y), [r.value[:28] for r in rates], fontsize=8)
        for i, r in enumerate(rates):
            ax.text(
                r.win_rate * 100 + 1,
                i,
                f"{r.win_rate:.0%} (n={r.deals:,})",
                va="center",
                fontsize=7,
            )
        if overall is not None:
            ax.axvline(overall * 100, color="#1565c0", linestyle="--", linewidth=1)
        top = max([r.win_rate * 100 for r in rates] + [10.0])
        ax.set_xlim(0, min(100.0, top * 1.35 + 5))
        ax.set_xlabel("win rate (%)", fontsize=8)
        title = f"by {d.name.replace('_', ' ')}"
        if d.pattern:
            title += f"  (pattern: {d.pattern.gap_points:.0f} pts)"
        ax.set_title(title, fontsize=10, color="#c62828" if d.pattern else "black")
    for ax in list(axes.flat)[len(dims) :]:
        ax.axis("off")
    rate = "" if overall is None else f"{overall:.1%} overall (dashed line)"
    fig.suptitle(
        f"Win rate by dimension: {result.closed:,} closed deals, {rate}\n"
        "green/red: best/worst of a pattern (gap over "
        f"{result.gap_points:g} points, values with {result.min_deals}+ deals)",
        fontsize=11,
    )
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.9 / height))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def waterfall_chart(w: Waterfall, out: Path) -> None:
    """Start, each movement as a floating bar (green up, red down), end."""
    _check(out)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["start", *(s.bucket.replace("_", " ") for s in w.steps), "end"]
    fig, ax = plt.subplots(figsize=(10, 5))
    level = w.start
    ax.bar(0, w.start, color="#1565c0")
    ax.text(0, w.start, f"{w.start:,.0f}", ha="center", va="bottom", fontsize=8)
    for i, s in enumerate(w.steps, start=1):
        bottom = level if s.value >= 0 else level + s.value
        ax.bar(i, abs(s.value), bottom=bottom, color="#2e7d32" if s.value >= 0 else "#c62828")
        ax.text(
            i,
            bottom + abs(s.value),
            f"{s.value:+,.0f}\n({s.deals} deals)",
            ha="center",
            va="bottom",
            fontsize=8,
        )
        level += s.value
    ax.bar(len(labels) - 1, w.end, color="#1565c0")
    ax.text(len(labels) - 1, w.end, f"{w.end:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)), labels, fontsize=9)
    ax.set_ylabel("pipeline value")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_ylim(
        0,
        max(w.start, w.end, *(abs(s.value) for s in w.steps), 1.0) * 1.35
        + max(w.start, w.end) * 0.3,
    )
    ax.set_title(f"Pipeline closing by {w.end_date}: {w.start_date} to {w.end_date}")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
