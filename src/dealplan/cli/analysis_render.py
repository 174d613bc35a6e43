"""Rich tables for `dealplan winloss`, `math`, `metrics` and `waterfall`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealplan.cli.app import out, show, table

if TYPE_CHECKING:
    from dealplan.engines.activity_metrics import Metrics
    from dealplan.engines.sales_math import SalesMath
    from dealplan.engines.waterfall import Waterfall
    from dealplan.engines.winloss import Rate, WinLoss


def pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def _rate_row(label: str, r: Rate) -> list[object]:
    return [label, r.deals, r.won, r.lost, pct(r.win_rate), r.won_value, r.lost_value]


RATE_COLUMNS = ["value", "closed", "won", "lost", "win rate", "won value", "lost value"]


def render_winloss(result: WinLoss, chart: Path | None) -> None:
    """The PIPE-5 report for people."""
    show(
        table(
            "Win/loss (PIPE-5): closed deals only",
            ["closed", "won", "lost", "win rate", "won value", "lost value", "open (not counted)"],
            [
                [
                    result.closed,
                    result.won,
                    result.lost,
                    pct(result.win_rate),
                    result.won_value,
                    result.lost_value,
                    result.open_excluded,
                ]
            ],
        )
    )
    if result.patterns:
        show(
            table(
                f"Patterns: best and worst win rate more than {result.gap_points:g} points apart",
                ["dimension", "best", "win rate", "deals", "worst", "win rate", "deals", "gap"],
                [
                    [
                        p.dimension,
                        p.best.value,
                        pct(p.best.win_rate),
                        p.best.deals,
                        p.worst.value,
                        pct(p.worst.win_rate),
                        p.worst.deals,
                        f"{p.gap_points:.1f} pts",
                    ]
                    for p in result.patterns
                ],
            )
        )
    else:
        out.print(
            f"No pattern: no dimension's win rates differ by more than {result.gap_points:g} "
            "points."
        )
    for d in result.dimensions:
        title = f"Win rate by {d.name}" + (" (pattern)" if d.pattern else "")
        show(table(title, RATE_COLUMNS, [_rate_row(r.value, r) for r in d.rates]))
        if d.note:
            out.print(f"  {d.note}", highlight=False)
        if d.unknown:
            out.print(f"  {d.unknown} closed deal(s) without a {d.name}", highlight=False)
    if result.competitive:
        show(
            table(
                "Competition",
                RATE_COLUMNS,
                [_rate_row(k.replace("_", " "), r) for k, r in result.competitive.items()],
            )
        )
    if result.map_participation:
        show(
            table(
                "Mutual action plan vs outcome",
                RATE_COLUMNS,
                [_rate_row(k.replace("_", " "), r) for k, r in result.map_participation.items()],
            )
        )
    if result.loss_reasons:
        show(
            table(
                "Loss reasons",
                ["reason", "lost deals", "share", "value"],
                [[r.reason, r.deals, pct(r.share), r.value] for r in result.loss_reasons],
            )
        )
    for note in result.notes:
        out.print(f"note: {note}", highlight=False)
    if chart is not None:
        out.print(f"chart: {chart}", highlight=False)


def render_math(m: SalesMath) -> None:
    """The PIPE-6 plan for people."""
    rows: list[list[Any]] = [
        ["quota (year)", f"{m.quota:,.0f}"],
        ["deal size", f"{m.deal_size:,.0f}"],
        ["win rate", pct(m.win_rate)],
        ["won deals needed", m.deals_needed],
        ["opportunities needed", m.opportunities_needed],
        [f"pipeline needed at {m.coverage:g}x coverage", f"{m.pipeline_needed:,.0f}"],
        ["coverage the win rate implies", f"{m.win_rate_coverage:.1f}x"],
        ["new opportunities per quarter", m.opportunities_per_quarter],
        [
            f"qualified meetings per week ({m.meeting_to_opportunity:.0%} become opportunities)",
            m.meetings_per_week,
        ],
        ["opportunities must open ahead of close by", f"{m.lead_time_days} days"],
    ]
    show(table("Sales math (PIPE-6)", ["", "value"], rows))
    show(
        table(
            "Healthy coverage mix by stage",
            ["stage", "probability", "share", "pipeline"],
            [[s.stage, pct(s.probability), pct(s.share), s.pipeline] for s in m.stage_mix],
        )
    )
    for note in m.notes:
        out.print(f"note: {note}", highlight=False)


def _mark(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "below")


def render_metrics(m: Metrics) -> None:
    """The PIPE-7 report for people."""
    span = f"{m.start} to {m.end}: {m.working_days} working days"
    if m.has_activity:
        targets = m.owners[0].activities
        show(
            table(
                f"Activity per owner ({span})",
                ["owner", *(f"{a.label}/{a.per} (target {a.target:g})" for a in targets)],
                [
                    [o.owner, *(f"{a.rate:.1f} {_mark(a.met)}" for a in o.activities)]
                    for o in m.owners
                    if any(a.count for a in o.activities)
                ],
            )
        )
    show(
        table(
            f"Outcomes ({span})",
            ["owner", "closed", "won", "win rate (target 25%)", "", "won value", "open pipeline"],
            [
                [
                    o.owner,
                    o.closed,
                    o.won,
                    pct(o.win_rate),
                    _mark(o.win_rate_met),
                    o.won_value,
                    o.pipeline,
                ]
                for o in m.owners
            ],
        )
    )
    if m.quota is not None:
        show(
            table(
                "Against quota",
                ["quota", "attainment", "", "coverage", ""],
                [
                    [
                        m.quota,
                        pct(m.quota_attainment),
                        _mark(m.quota_attainment_met),
                        f"{m.coverage:.1f}x" if m.coverage is not None else "",
                        _mark(m.coverage_met),
                    ]
                ],
            )
        )
    for note in m.notes:
        out.print(f"note: {note}", highlight=False)


def render_waterfall(w: Waterfall, chart: Path | None) -> None:
    """The PIPE-8 waterfall for people."""
    rows: list[list[object]] = [["start (open, closing by the end date)", w.start_deals, w.start]]
    rows += [[s.bucket.replace("_", " "), s.deals, s.value] for s in w.steps]
    rows.append(["end", w.end_deals, w.end])
    show(
        table(
            f"Pipeline waterfall {w.start_date} to {w.end_date} (PIPE-8)",
            ["", "deals", "value"],
            rows,
        )
    )
    top = [mv for mv in w.movements if mv.bucket in ("pushed_out", "lost", "won", "created")][:10]
    if top:
        show(
            table(
                "Largest movements",
                ["bucket", "deal", "value"],
                [[mv.bucket, mv.name or mv.id, mv.value] for mv in top],
            )
        )
    if chart is not None:
        out.print(f"chart: {chart}", highlight=False)
