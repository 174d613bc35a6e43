"""Pipeline review (PIPE-1): totals, stages, coverage, stage mix and velocity of a deal table.

Pure: a deal table (`dealplan.engines.deal_frame`), `as_of`, an optional quota and the rules
(methodology/pipeline.toml) in; sections of plain numbers and findings with their reasons
out. Closed deals are not pipeline; they feed the velocity's win rate, deal size and cycle.
Hygiene and concentration are in `pipeline_hygiene`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from dealplan.engines import pipeline_hygiene
from dealplan.engines.pipeline_rules import Rules, bucket_of, phase_of

COLUMNS = (
    "id",
    "name",
    "owner",
    "stage",
    "stage_index",
    "stage_probability",
    "probability",
    "outcome",
    "amount",
    "close_date",
    "stage_date",
    "last_activity_date",
    "next_step",
    "forecast_category",
    "cycle_days",
    "line",
)
CATEGORIES = ("commit", "best_case", "pipeline", "upside", "omitted")
NO_STAGE = "(no stage)"
SUMS = {
    "commit": "commit",
    "best_case": "commit + best case",
    "pipeline": "commit + best case + pipeline",
}


@dataclass(frozen=True)
class Finding:
    """One thing the review says: which check, how bad (ok, info, warn, critical), and why."""

    check: str
    level: str
    message: str


@dataclass
class PipelineReview:
    as_of: dt.date
    totals: dict[str, Any]
    stages: list[dict[str, Any]]
    coverage: dict[str, Any]
    categories: dict[str, Any]
    mix: dict[str, Any]
    hygiene: dict[str, Any]
    concentration: dict[str, Any]
    velocity: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "totals": self.totals,
            "stages": self.stages,
            "coverage": self.coverage,
            "coverage_by_category": self.categories,
            "stage_mix": self.mix,
            "hygiene": self.hygiene,
            "concentration": self.concentration,
            "velocity": self.velocity,
            "findings": [f.__dict__ for f in self.findings],
        }


def review(
    deals: pl.LazyFrame | pl.DataFrame,
    *,
    as_of: dt.date,
    quota: float | None,
    rules: Rules,
    open_stages: Sequence[tuple[str, float]],
    norms: Mapping[str, int],
) -> PipelineReview:
    """The PIPE-1 review of `deals` as of `as_of`.

    `open_stages`: the model's open stages in order with their probabilities; `norms`: the
    days a deal is expected to spend in each stage.
    """
    # Lazy throughout: only aggregates and the few listed deals are ever materialised.
    frame = (
        deals.lazy()
        .select(COLUMNS)
        .with_columns(pl.coalesce("probability", "stage_probability").alias("weight"))
        .with_columns((pl.col("amount") * pl.col("weight")).alias("weighted"))
    )
    pipe = frame.filter(pl.col("outcome") == "open")
    closed = frame.filter(pl.col("outcome") != "open")
    findings: list[Finding] = []
    totals = _totals(frame, findings)
    stages = _stages(pipe, open_stages)
    coverage = _coverage(totals["open_value"], quota, as_of, rules, findings)
    categories = _categories(pipe, quota, rules, findings)
    mix = _mix(stages, open_stages, rules, findings)
    hygiene = pipeline_hygiene.hygiene(
        pipe, totals["open_deals"], as_of=as_of, rules=rules, norms=norms
    )
    concentration = pipeline_hygiene.concentration(pipe, totals["open_value"], rules)
    findings += hygiene.pop("findings") + concentration.pop("findings")
    velocity = _velocity(totals["open_deals"], closed, findings)
    return PipelineReview(
        as_of, totals, stages, coverage, categories, mix, hygiene, concentration, velocity, findings
    )


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _totals(frame: pl.LazyFrame, findings: list[Finding]) -> dict[str, Any]:
    by = (
        frame.group_by("outcome")
        .agg(
            pl.len().alias("n"),
            pl.col("amount").sum().alias("v"),
            pl.col("weighted").sum().alias("w"),
            pl.col("amount").null_count().alias("missing"),
        )
        .collect()
    )
    rows = {o: (int(n), float(v), float(w), int(m)) for o, n, v, w, m in by.iter_rows()}
    counts = {o: (r[0], r[1]) for o, r in rows.items()}
    n_open, open_value, weighted, missing = rows.get("open", (0, 0.0, 0.0, 0))
    n_all = sum(r[0] for r in rows.values())
    totals = {
        "deals": n_all,
        "open_deals": n_open,
        "open_value": open_value,
        "weighted_value": round(weighted, 2),
        "won_deals": counts.get("won", (0, 0.0))[0],
        "won_value": counts.get("won", (0, 0.0))[1],
        "lost_deals": counts.get("lost", (0, 0.0))[0],
        "lost_value": counts.get("lost", (0, 0.0))[1],
        "open_without_amount": missing,
    }
    if n_open == 0:
        findings.append(
            Finding(
                "pipeline",
                "warn",
                f"no open deals: all {n_all:,} deals are closed, so there is no pipeline "
                "to review (closed deals still give the velocity)",
            )
        )
    elif missing:
        findings.append(
            Finding(
                "amounts",
                "warn",
                f"{missing:,} of {n_open:,} open deals have no amount; they count as deals "
                "but add nothing to the pipeline value (a --price-list can fill them)",
            )
        )
    return totals


def _stages(pipe: pl.LazyFrame, open_stages: Sequence[tuple[str, float]]) -> list[dict[str, Any]]:
    by = (
        pipe.group_by("stage")
        .agg(
            pl.len().alias("count"),
            pl.col("amount").sum().alias("value"),
            pl.col("weighted").sum().alias("weighted"),
        )
        .collect()
    )
    rows = {s: (int(n), float(v), float(w)) for s, n, v, w in by.iter_rows()}
    out = []
    for name, probability in open_stages:
        n, v, w = rows.pop(name, (0, 0.0, 0.0))
        out.append(
            {
                "stage": name,
                "probability": probability,
                "count": n,
                "value": v,
                "weighted": round(w, 2),
            }
        )
    for name, (n, v, w) in sorted(rows.items(), key=lambda kv: str(kv[0])):
        out.append(
            {
                "stage": name or NO_STAGE,
                "probability": None,
                "count": n,
                "value": v,
                "weighted": round(w, 2),
            }
        )
    return out


def _coverage(
    open_value: float, quota: float | None, as_of: dt.date, rules: Rules, findings: list[Finding]
) -> dict[str, Any]:
    phase, quarter, day, length = phase_of(as_of, rules)
    out: dict[str, Any] = {
        "quarter": quarter,
        "day_of_quarter": day,
        "days_in_quarter": length,
        "phase": phase.name,
        "target_min": phase.min,
        "target_max": phase.max,
        "quota": quota,
        "open_value": open_value,
        "ratio": None,
        "status": None,
        "computed": False,
        "reason": None,
    }
    if quota is None or quota <= 0:
        out["reason"] = (
            "no quota given (--quota N): coverage not computed"
            if quota is None
            else "the quota is 0: coverage not computed (pipeline / quota has no meaning)"
        )
        findings.append(Finding("coverage", "info", out["reason"]))
        return out
    ratio = open_value / quota
    target = _target(phase.min, phase.max)
    status = "below" if ratio < phase.min else "above" if ratio > phase.max else "on target"
    out.update(ratio=round(ratio, 4), status=status, computed=True)
    level = "warn" if status == "below" else "ok"
    findings.append(
        Finding(
            "coverage",
            level,
            f"coverage {ratio:.2f}x ({open_value:,.0f} open / {quota:,.0f} quota) is {status} "
            f"the {phase.name}-quarter target of {target} (day {day} of {length} of {quarter})",
        )
    )
    return out


def _target(low: float, high: float) -> str:
    return f"{low:g}x" if low == high else f"{low:g}-{high:g}x"


def category_expr(rules: Rules) -> tuple[pl.Expr, pl.Expr]:
    """(category, derived): the deal's forecast category, from its probability when none."""
    bands = rules.category_bands
    by_probability = (
        pl.when(pl.col("weight") >= bands["commit"])
        .then(pl.lit("commit"))
        .when(pl.col("weight") >= bands["best_case"])
        .then(pl.lit("best_case"))
        .when(pl.col("weight") >= bands["pipeline"])
        .then(pl.lit("pipeline"))
        .when(pl.col("weight").is_not_null())
        .then(pl.lit("upside"))
    )
    given = pl.col("forecast_category")
    return pl.coalesce(given, by_probability), given.is_null() & by_probability.is_not_null()


def _categories(
    pipe: pl.LazyFrame, quota: float | None, rules: Rules, findings: list[Finding]
) -> dict[str, Any]:
    category, derived = category_expr(rules)
    by = (
        pipe.select(category.alias("category"), derived.alias("derived"), "amount")
        .group_by("category")
        .agg(pl.len().alias("n"), pl.col("amount").sum().alias("v"), pl.col("derived").sum())
        .collect()
    )
    got = {c: (int(n), float(v), int(d)) for c, n, v, d in by.iter_rows()}
    rows: list[dict[str, Any]] = []
    cumulative = 0.0
    for name in CATEGORIES:
        n, v, d = got.get(name, (0, 0.0, 0))
        target = rules.category_targets.get(name)
        if target is not None:
            cumulative += v
        rows.append(
            {
                "category": name,
                "count": n,
                "derived": d,
                "value": v,
                "cumulative_value": cumulative if target is not None else None,
                "target": target,
                "ratio": round(cumulative / quota, 4) if target is not None and quota else None,
            }
        )
    computed = bool(quota and quota > 0)
    if computed:
        assert quota is not None
        for row in rows:
            if row["target"] is None:
                continue
            ok = row["ratio"] >= row["target"]
            row["met"] = ok
            findings.append(
                Finding(
                    "coverage_by_category",
                    "ok" if ok else "warn",
                    f"{SUMS[row['category']]}: {row['cumulative_value']:,.0f} = "
                    f"{row['ratio']:.2f}x quota, target {row['target']:g}x "
                    f"({'met' if ok else 'short'})",
                )
            )
    derived_total = sum(r["derived"] for r in rows)
    return {
        "computed": computed,
        "reason": None if computed else "no quota (or a quota of 0): ratios not computed",
        "derived_from_probability": derived_total,
        "rows": rows,
    }


def _mix(
    stages: list[dict[str, Any]],
    open_stages: Sequence[tuple[str, float]],
    rules: Rules,
    findings: list[Finding],
) -> dict[str, Any]:
    n = len(open_stages)
    buckets: list[dict[str, Any]] = [
        {"bucket": b, "stages": [], "count": 0, "value": 0.0, "healthy": h}
        for b, h in zip(rules.buckets, rules.healthy, strict=True)
    ]
    for position, (name, _) in enumerate(open_stages):
        row = next(r for r in stages if r["stage"] == name)
        bucket = buckets[bucket_of(position, n, len(buckets))]
        bucket["stages"].append(name)
        bucket["count"] += row["count"]
        bucket["value"] += row["value"]
    total_value = sum(b["value"] for b in buckets)
    total_count = sum(b["count"] for b in buckets)
    basis = "value" if total_value > 0 else "count"
    total = total_value if basis == "value" else total_count
    for b in buckets:
        share = b[basis] / total if total else None
        b["share"] = round(share, 4) if share is not None else None
        b["gap"] = round(share - b["healthy"], 4) if share is not None else None
        if share is not None and abs(share - b["healthy"]) > rules.mix_tolerance:
            word = "over" if share > b["healthy"] else "under"
            findings.append(
                Finding(
                    "stage_mix",
                    "warn",
                    f"{b['bucket']} ({', '.join(b['stages'])}) holds {share:.0%} of open "
                    f"pipeline {basis}, {word} the healthy {b['healthy']:.0%} by more than "
                    f"{rules.mix_tolerance:.0%}",
                )
            )
    return {"basis": basis, "buckets": buckets}


def _velocity(n_open: int, closed: pl.LazyFrame, findings: list[Finding]) -> dict[str, Any]:
    """Deals x win rate x average deal / cycle days, from the closed deals of the table."""
    won_ = pl.col("outcome") == "won"
    stats = closed.select(
        pl.len().alias("closed"),
        won_.sum().alias("won"),
        pl.col("amount").filter(won_).mean().alias("average"),
        pl.col("cycle_days").filter(won_).mean().alias("cycle"),
    ).collect()
    n_closed, n_won, average, cycle = stats.row(0)
    out: dict[str, Any] = {
        "open_deals": n_open,
        "won_deals": int(n_won),
        "lost_deals": int(n_closed) - int(n_won),
        "win_rate": None,
        "average_deal": None,
        "cycle_days": None,
        "per_day": None,
        "computed": False,
        "reason": None,
    }
    if n_closed == 0:
        out["reason"] = "no closed deals in the data: win rate and cycle unknown"
    else:
        win_rate = n_won / n_closed
        out.update(
            win_rate=round(win_rate, 4),
            average_deal=None if average is None else round(float(average), 2),
            cycle_days=None if cycle is None else round(float(cycle), 1),
        )
        if n_won == 0:
            out["reason"] = "no won deals: average deal size and cycle unknown"
        elif average is None:
            out["reason"] = "won deals have no amounts: average deal size unknown"
        elif cycle is None or float(cycle) <= 0:
            out["reason"] = "won deals have no cycle days (or created and close dates)"
        else:
            per_day = n_open * win_rate * float(average) / float(cycle)
            out.update(per_day=round(per_day, 2), computed=True)
            findings.append(
                Finding(
                    "velocity",
                    "info",
                    f"velocity {per_day:,.0f} per day = {n_open:,} open deals x "
                    f"{win_rate:.1%} win rate x {float(average):,.0f} average won deal / "
                    f"{float(cycle):.0f} days average cycle",
                )
            )
    if out["reason"]:
        findings.append(Finding("velocity", "info", f"velocity not computed: {out['reason']}"))
    return out
