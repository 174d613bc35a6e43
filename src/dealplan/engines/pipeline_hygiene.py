"""Pipeline hygiene and concentration (PIPE-1): which open deals need attention, and why.

Pure functions over the open deals of a deal table (with `weight`/`weighted` columns added by
`dealplan.engines.pipeline`). A check the data cannot support (say, no stage dates at all)
is reported as not checked, with the reason, instead of listing every deal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from dealplan.engines.pipeline_rules import Rules

SHOWN = ("id", "name", "owner", "stage", "amount", "close_date", "line")


def _listed(frame: pl.LazyFrame, extra: list[str], limit: int) -> list[dict[str, Any]]:
    top = frame.select(*SHOWN, *extra).sort("amount", descending=True, nulls_last=True)
    return top.head(limit).collect().to_dicts()


def _check(
    name: str,
    pipe: pl.LazyFrame,
    n_open: int,
    needed: str,
    hit: pl.Expr,
    detail: dict[str, pl.Expr],
    rules: Rules,
    what: str,
    missing: str,
) -> tuple[dict[str, Any], list[Any]]:
    from dealplan.engines.pipeline import Finding

    flagged = pipe.with_columns(**detail).with_columns(hit.fill_null(False).alias("__hit"))
    nulls, count, total = (
        flagged.select(
            pl.col(needed).null_count(),
            pl.col("__hit").sum(),
            pl.col("amount").filter(pl.col("__hit")).sum(),
        )
        .collect()
        .row(0)
    )
    if n_open and nulls == n_open:
        reason = f"not checked: {missing}"
        return {"checked": False, "reason": reason, "count": 0, "value": 0.0, "deals": []}, [
            Finding(name, "info", reason)
        ]
    hits = flagged.filter(pl.col("__hit"))
    value = float(total or 0)
    out = {
        "checked": True,
        "reason": None,
        "count": int(count),
        "value": value,
        "deals": _listed(hits, list(detail), rules.list_limit) if count else [],
    }
    findings = []
    if count:
        findings.append(Finding(name, "warn", f"{count:,} open deals ({value:,.0f}) {what}"))
    return out, findings


def hygiene(
    pipe: pl.LazyFrame, n_open: int, *, as_of: dt.date, rules: Rules, norms: Mapping[str, int]
) -> dict[str, Any]:
    """Stale deals, close dates in the past, no next step, no recent activity."""
    today = pl.lit(as_of, pl.Date)
    norm = (
        pl.col("stage")
        .replace_strict(dict(norms), default=rules.default_norm_days, return_dtype=pl.Int64)
        .alias("norm_days")
    )
    in_stage = (today - pl.col("stage_date")).dt.total_days()
    limit = pl.col("norm_days") * rules.stale_factor
    stale, f1 = _check(
        "stale",
        pipe,
        n_open,
        "stage_date",
        pl.col("days_in_stage") > limit,
        {"days_in_stage": in_stage, "norm_days": norm},
        rules,
        f"have been in their stage longer than {rules.stale_factor:g}x the stage's norm days",
        "no deal has a stage date (a stage_date or last_stage_change column)",
    )
    past, f2 = _check(
        "close_date_past",
        pipe,
        n_open,
        "close_date",
        pl.col("days_overdue") > 0,
        {"days_overdue": (today - pl.col("close_date")).dt.total_days()},
        rules,
        f"have a close date before {as_of.isoformat()}",
        "no open deal has a close date",
    )
    step, f3 = _check(
        "no_next_step",
        pipe,
        n_open,
        "next_step",
        pl.col("next_step").is_null(),
        {},
        rules,
        "have no next step",
        "no deal has a next step (a next_step column)",
    )
    days = rules.no_activity_days
    quiet, f4 = _check(
        "no_recent_activity",
        pipe,
        n_open,
        "last_activity_date",
        pl.col("days_since_activity").is_null() | (pl.col("days_since_activity") > days),
        {"days_since_activity": (today - pl.col("last_activity_date")).dt.total_days()},
        rules,
        f"have no activity in the last {days} days",
        "no deal has a last activity date (a last_activity_date column)",
    )
    return {
        "stale": stale,
        "close_date_past": past,
        "no_next_step": step,
        "no_recent_activity": quiet,
        "findings": f1 + f2 + f3 + f4,
    }


def concentration(pipe: pl.LazyFrame, open_value: float, rules: Rules) -> dict[str, Any]:
    """Open deals each worth more than the warn (critical) share of open pipeline value."""
    from dealplan.engines.pipeline import Finding

    if open_value <= 0:
        reason = "no open pipeline value: concentration not computed"
        return {"computed": False, "reason": reason, "deals": [], "findings": []}
    share = (pl.col("amount") / open_value).alias("share")
    big = pipe.with_columns(share).filter(pl.col("share") > rules.concentration_warn)
    deals = _listed(big, ["share"], rules.list_limit)
    findings = []
    for deal in deals:
        level = "critical" if deal["share"] > rules.concentration_critical else "warn"
        limit = rules.concentration_critical if level == "critical" else rules.concentration_warn
        deal["level"] = level
        deal["share"] = round(deal["share"], 4)
        findings.append(
            Finding(
                "concentration",
                level,
                f"{deal['name']} ({deal['amount']:,.0f}) is {deal['share']:.0%} of the open "
                f"pipeline of {open_value:,.0f}, over {limit:.0%}",
            )
        )
    return {"computed": True, "reason": None, "deals": deals, "findings": findings}
