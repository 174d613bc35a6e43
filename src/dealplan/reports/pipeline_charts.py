"""Charts of the pipeline review (PIPE-1): pipeline by stage, and coverage against targets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dealplan.engines.pipeline import PipelineReview


def coverage_path(out: Path) -> Path:
    """Where the coverage chart goes next to `out`: name-coverage.suffix."""
    return out.with_name(f"{out.stem}-coverage{out.suffix}")


def write_charts(review: PipelineReview, out: Path) -> list[Path]:
    """Write the stage chart to `out` and, with a quota, the coverage chart beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FuncFormatter

    money = FuncFormatter(lambda v, _: _short(v))
    out.parent.mkdir(parents=True, exist_ok=True)
    stages = review.stages
    names = [str(s["stage"]) for s in stages]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    y = list(range(len(stages)))[::-1]
    ax.barh([v + 0.2 for v in y], [s["value"] for s in stages], 0.4, label="value", color="#4C72B0")
    ax.barh(
        [v - 0.2 for v in y],
        [s["weighted"] for s in stages],
        0.4,
        label="weighted (stage probability)",
        color="#DD8452",
    )
    for yi, s in zip(y, stages, strict=True):
        ax.text(s["value"], yi + 0.2, f"  {s['count']:,} deals", va="center", fontsize=8)
    ax.set_yticks(y, names)
    ax.xaxis.set_major_formatter(money)
    ax.set_xlabel("open pipeline value")
    ax.set_title(f"Open pipeline by stage as of {review.as_of.isoformat()}")
    ax.legend(loc="lower right")
    ax.margins(x=0.15)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    written = [out]
    cov = review.coverage
    if not cov["computed"]:
        return written
    rows = [r for r in review.categories["rows"] if r["target"] is not None]
    labels = ["total open", *[_label(r["category"]) for r in rows]]
    ratios = [cov["ratio"], *[r["ratio"] for r in rows]]
    targets = [cov["target_min"], *[r["target"] for r in rows]]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    colours = ["#55A868" if v >= t else "#C44E52" for v, t in zip(ratios, targets, strict=True)]
    bars = ax.bar(labels, ratios, color=colours)
    for i, t in enumerate(targets):
        ax.hlines(t, i - 0.4, i + 0.4, colors="black", linestyles="--")
        ax.text(i + 0.42, t, f"target {t:g}x", va="center", fontsize=8)
    if cov["target_max"] > cov["target_min"]:
        ax.add_patch(
            Rectangle(
                (-0.4, cov["target_min"]),
                0.8,
                cov["target_max"] - cov["target_min"],
                color="grey",
                alpha=0.2,
            )
        )
    ax.bar_label(bars, labels=[f"{v:.2f}x" for v in ratios], padding=2)
    ax.set_ylabel("coverage (times quota)")
    ax.set_title(
        f"Coverage of quota {cov['quota']:,.0f}, {cov['quarter']} ({cov['phase']} quarter)"
    )
    ax.margins(y=0.15)
    ax.set_xlim(-0.6, len(labels) - 0.1)
    fig.tight_layout()
    path = coverage_path(out)
    fig.savefig(path)
    plt.close(fig)
    written.append(path)
    return written


def _label(category: str) -> str:
    return {
        "commit": "commit",
        "best_case": "+ best case",
        "pipeline": "+ pipeline",
    }.get(category, category)


def _short(value: float) -> str:
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"
