"""Rich rendering of the pipeline review for people (`dealplan pipeline`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.markup import escape

from dealplan.cli.app import err, show, table
from dealplan.engines.pipeline import PipelineReview
from dealplan.engines.pipeline_rules import Rules
from dealplan.errors import InputError

LEVEL = {
    "ok": "[green]OK[/]",
    "info": "info",
    "warn": "[yellow]WARN[/]",
    "critical": "[red]CRIT[/]",
}
SHOWN = 10  # deals listed per hygiene check on screen (--json lists up to the rules' limit)


def rules() -> Rules:
    """The shipped pipeline rules (methodology/pipeline.toml)."""
    from dealplan.methodology.data import shipped_data

    return Rules.from_dict(shipped_data("pipeline.toml"))


def parse_day(text: str | None) -> dt.date:
    """`--as-of` as a date; today when not given."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of: {text!r} is not a date like 2026-03-31") from None


def _x(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def render(r: PipelineReview, charts: list[Path]) -> None:
    t = r.totals
    show(
        table(
            f"Pipeline as of {r.as_of.isoformat()}",
            ["deals", "open", "open value", "weighted", "won", "won value", "lost", "no amount"],
            [
                [
                    t["deals"],
                    t["open_deals"],
                    t["open_value"],
                    t["weighted_value"],
                    t["won_deals"],
                    t["won_value"],
                    t["lost_deals"],
                    t["open_without_amount"],
                ]
            ],
        )
    )
    show(
        table(
            "By stage (open deals)",
            ["stage", "probability", "deals", "value", "weighted"],
            [
                [
                    escape(str(s["stage"])),
                    _pct(s["probability"]),
                    s["count"],
                    s["value"],
                    s["weighted"],
                ]
                for s in r.stages
            ],
        )
    )
    c = r.coverage
    target = f"{c['target_min']:g}-{c['target_max']:g}x".replace(
        f"{c['target_min']:g}-{c['target_min']:g}x", f"{c['target_min']:g}x"
    )
    show(
        table(
            f"Coverage ({c['quarter']}, day {c['day_of_quarter']} of {c['days_in_quarter']}: "
            f"{c['phase']} quarter)",
            ["open value", "quota", "coverage", "target", "status"],
            [[c["open_value"], c["quota"], _x(c["ratio"]), target, c["status"] or c["reason"]]],
        )
    )
    cat = r.categories
    show(
        table(
            "Coverage by forecast category (cumulative)",
            ["category", "deals", "from probability", "value", "cumulative", "coverage", "target"],
            [
                [
                    row["category"],
                    row["count"],
                    row["derived"],
                    row["value"],
                    row["cumulative_value"],
                    _x(row["ratio"]),
                    "" if row["target"] is None else f"{row['target']:g}x",
                ]
                for row in cat["rows"]
            ],
        )
    )
    show(
        table(
            f"Stage mix (share of open {r.mix['basis']}) against the healthy mix",
            ["bucket", "stages", "deals", "value", "share", "healthy", "gap"],
            [
                [
                    b["bucket"],
                    ", ".join(b["stages"]),
                    b["count"],
                    b["value"],
                    _pct(b["share"]),
                    _pct(b["healthy"]),
                    "" if b["gap"] is None else f"{b['gap'] * 100:+.0f} pts",
                ]
                for b in r.mix["buckets"]
            ],
        )
    )
    _hygiene(r.hygiene)
    v = r.velocity
    show(
        table(
            "Velocity (open deals x win rate x average won deal / cycle days)",
            ["open deals", "win rate", "average deal", "cycle days", "per day"],
            [
                [
                    v["open_deals"],
                    _pct(v["win_rate"]),
                    v["average_deal"],
                    v["cycle_days"],
                    v["per_day"] if v["computed"] else v["reason"],
                ]
            ],
        )
    )
    show(
        table(
            "Findings",
            ["", "check", "finding"],
            [[LEVEL[f.level], f.check, escape(f.message)] for f in r.findings],
        )
    )
    for path in charts:
        err.print(f"chart written: {path}", highlight=False)


def _hygiene(h: dict[str, Any]) -> None:
    titles = {
        "stale": ("Stale (days in stage over the stage's norm)", ["days_in_stage", "norm_days"]),
        "close_date_past": ("Close date in the past", ["days_overdue"]),
        "no_next_step": ("No next step", []),
        "no_recent_activity": ("No recent activity", ["days_since_activity"]),
    }
    for key, (title, extra) in titles.items():
        check = h[key]
        if not check["checked"]:
            continue
        if not check["count"]:
            continue
        more = f", largest {SHOWN} shown" if check["count"] > SHOWN else ""
        show(
            table(
                f"{title}: {check['count']:,} deals, {check['value']:,.0f}{more}",
                ["id", "name", "stage", "amount", "close date", *extra, "line"],
                [
                    [
                        escape(str(d["id"])),
                        escape(str(d["name"])),
                        d["stage"],
                        d["amount"],
                        d["close_date"],
                        *[d[e] for e in extra],
                        d["line"],
                    ]
                    for d in check["deals"][:SHOWN]
                ],
            )
        )
