"""Plans: `closing-plan` (MAP-6), `keywords` (ACC-10) and `account-plan` (ACC-11)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from dealplan.cli.app import (
    AsOfOption,
    DbOption,
    DealRef,
    JsonOption,
    app,
    err,
    out,
    parse_as_of,
    print_json,
    show,
    table,
    workspace,
)
from dealplan.engines.verdict import Level
from dealplan.errors import InputError
from dealplan.methodology.thresholds import Thresholds

if TYPE_CHECKING:
    from dealplan.engines.closing_plan import ClosingPlan
    from dealplan.engines.keywords import KeywordAnalysis


LEVEL_STYLE = {Level.GREEN: "green", Level.YELLOW: "yellow", Level.RED: "red", Level.DEAD: "red"}


@app.command("closing-plan")
def closing_plan_cmd(
    ref: DealRef,
    to_map: Annotated[
        bool,
        typer.Option(
            "--to-map",
            help="Write the plan into the deal's MAP (needs a champion and the economic buyer).",
        ),
    ] = False,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """The seller's steps from the deal's stage to close, dated from the workspace's history."""
    from dealplan.clock import utcnow
    from dealplan.deal import service as deals
    from dealplan.plan import service as plans

    now = utcnow()
    moment = parse_as_of(as_of, now)
    if to_map and moment > now:
        if moment.date() != now.date():
            raise InputError("--to-map with an --as-of in the future: the MAP is written today")
        moment = now  # today's date means now: the MAP is written as it happens
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        t = plans.workspace_thresholds(session=session)
        plan, facts = plans.plan_for(session=session, deal_id=deal.id, as_of=moment, t=t)
        conversion = None
        if to_map:
            conversion = plans.convert_to_map(
                session=session,
                plan=plan,
                facts=facts,
                actor=deal.owner or "closing-plan",
                at=moment,
                t=t,
            )
            session.commit()
    if as_json:
        data = plan.as_dict()
        if conversion is not None:
            data["conversion"] = conversion.as_dict()
        print_json(data)
        return
    _render_plan(plan, ref, converted=conversion is not None)
    if conversion is not None:
        c = conversion
        out.print(
            f"MAP updated as {escape(c.actor)}: {len(c.milestones_created)} milestones and "
            f"{len(c.items_created)} items created; {len(c.already)} steps were already in "
            "the MAP.",
            highlight=False,
        )
        for a in c.already:
            step, found = a["step"], a["covered_by"]
            where = "already there" if step == found else f"covered by '{found}'"
            out.print(f"  {escape(step)}: {escape(where)}", highlight=False)


def _render_plan(plan: ClosingPlan, ref: str, *, converted: bool) -> None:
    rows = [
        [
            s.stage + (" (now)" if s.current else ""),
            s.action,
            s.exit,
            s.target.isoformat(),
            s.target_p80.isoformat(),
            f"{s.norm:.0f} / {s.norm_p80:.0f}",
            f"history ({s.deals} deals)" if s.source == "history" else "methodology default",
        ]
        for s in plan.steps
    ]
    show(
        table(
            f"Closing plan for deal {plan.deal_id} ({plan.deal}) as of {plan.as_of}",
            ["stage", "step", "done when", "target", "target (P80)", "days avg/P80", "source"],
            rows,
        )
    )
    close = plan.close_date.isoformat() if plan.close_date else "none"
    out.print(
        f"Projected close: {plan.projected_close} (P80 pace {plan.projected_close_p80}); "
        f"close date: {close}",
        highlight=False,
        markup=False,
    )
    level = plan.verdict.level
    verdict = f"[{LEVEL_STYLE[level]}]{level.value}[/]"
    if not plan.verdict.reasons:
        out.print(f"{verdict}: the plan makes the close date even at the P80 pace")
    else:
        out.print(f"{verdict}:")
    for r in sorted(plan.verdict.reasons, key=lambda r: -r.level.rank):
        out.print(f"  {r.rule} {escape(r.message)}", highlight=False)
        if r.action:
            out.print(f"    next: {escape(r.action)}", highlight=False)
    if converted:
        return
    if plan.map_ready:
        out.print(
            f"Champion ({escape(plan.champion or '')}) and economic buyer "
            f"({escape(plan.economic_buyer or '')}) identified: "
            f"`dealplan closing-plan {escape(ref)} --to-map` makes this the MAP shared "
            "with the buyer.",
            highlight=False,
        )
    else:
        out.print(
            "Not ready for a MAP: " + escape("; ".join(plan.map_blockers)) + ".",
            highlight=False,
        )


@app.command("keywords")
def keywords_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (or JSON array) with company, keyword, location, department, "
            "employees, collected_on."
        ),
    ],
    account: Annotated[str, typer.Option("--account", help="The account the counts are for.")],
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import keyword counts for an account and show its keyword analysis (ACC-10)."""
    from dealplan.account import keyword_service
    from dealplan.clock import utcnow
    from dealplan.plan import service as plans

    now = utcnow()
    moment = parse_as_of(as_of, now)
    with workspace(db) as session:
        acc = keyword_service.find_account(session=session, name=account)
        t = plans.workspace_thresholds(session=session)
        imported = keyword_service.import_counts(
            session=session,
            path=file,
            account=acc,
            as_of=moment.date(),
            actor=f"keywords {file.name}",
            at=now,
        )
        session.commit()
        result = keyword_service.analysis(
            session=session,
            account=acc,
            as_of=moment.date(),
            t=t,
            collected_on=max(imported.dates),
        )
    if as_json:
        print_json({"import": imported.as_dict(), "analysis": result.as_dict() if result else None})
        return
    out.print(
        f"Imported {imported.rows} rows for {escape(imported.account)} collected on "
        + ", ".join(d.isoformat() for d in imported.dates)
        + (f"; replaced {imported.replaced} rows of the same date" if imported.replaced else ""),
        highlight=False,
    )
    if result is not None:
        render_keywords(result, t)


def _pct(share: float) -> str:
    return f"{share:.0%}" if share >= 0.01 else f"{share:.1%}"


def render_keywords(a: KeywordAnalysis, t: Thresholds) -> None:
    """Print an analysis as tables: keywords with fit, then concentrations and warnings."""
    total = f"{a.total_employees:,}" if a.total_employees else "unknown"
    rows = [
        [
            k.keyword,
            f"{k.employees:,}",
            "" if k.density is None else f"{k.density:.2%}",
            k.fit,
            ", ".join(f"{s.name} {_pct(s.share)}" for s in k.locations[:2]),
            ", ".join(f"{s.name} {_pct(s.share)}" for s in k.departments[:2]),
            "; ".join(
                f"{r.evidence.get('location') or r.evidence.get('department')}"
                f" {r.evidence['share']:.0%}"
                for r in k.outliers
            ),
        ]
        for k in a.keywords
    ]
    show(
        table(
            f"Keyword analysis of {a.account} collected {a.collected_on} "
            f"({a.age_days} days old; {total} employees)",
            ["keyword", "people", "density", "fit", "top locations", "top departments", "outliers"],
            rows,
        )
    )
    show(
        table(
            "Where the keyword people are (all keywords)",
            ["location", "matches", "share"],
            [[s.name, f"{s.employees:,}", _pct(s.share)] for s in a.by_location],
        )
    )
    show(
        table(
            "",
            ["department", "matches", "share"],
            [[s.name, f"{s.employees:,}", _pct(s.share)] for s in a.by_department],
        )
    )
    out.print(
        "fit: strong = at least "
        f"{t.get('keywords.strong_min_employees')} people and "
        f"{t.get('keywords.strong_min_density'):.2%} of employees; moderate = at least "
        f"{t.get('keywords.moderate_min_employees')} and "
        f"{t.get('keywords.moderate_min_density'):.2%}; outlier = a location or department "
        f"with {t.get('keywords.outlier_factor')}x the keyword's average share",
        highlight=False,
        markup=False,
    )
    for w in a.warnings:
        out.print(f"[yellow]warning[/] {w.rule} {escape(w.message)}", highlight=False)


def _slug(name: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in name.casefold())
    return "-".join(part for part in kept.split("-") if part) or "account"


@app.command("account-plan")
def account_plan_cmd(
    account: Annotated[str, typer.Option("--account", help="The account's name.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="md, html or pdf (default: from the -o extension, else md).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="File to write (default: md and html to stdout, pdf to "
            "<account>-account-plan.pdf here).",
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="The full plan even where a simplified one would do.")
    ] = False,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """The account plan document: summary, org chart, personal wins, MEDDPICC, risks, MAP,
    health, checklist and next steps (ACC-11)."""
    from dealplan.clock import utcnow
    from dealplan.reports import account_plan_build, account_plan_output
    from dealplan.reports.render import FORMATS

    chosen = fmt or (output.suffix.lstrip(".").lower() if output and output.suffix else "md")
    chosen = {"markdown": "md", "htm": "html"}.get(chosen, chosen)
    if chosen not in FORMATS:
        raise InputError(f"--format {chosen!r}: choose one of {', '.join(FORMATS)}")
    moment = parse_as_of(as_of, utcnow())
    with workspace(db) as session:
        doc = account_plan_build.build(
            session=session, account=account, as_of=moment, force_full=full
        )
    name = str(doc.account.get("name") or account)
    if chosen == "pdf":
        target = output or Path(f"{_slug(name)}-account-plan.pdf")
        target.write_bytes(account_plan_output.to_pdf(doc))
        err.print(f"wrote {escape(str(target))}", highlight=False)
        return
    svg_href = None
    if chosen == "md" and output is not None and doc.org_chart_svg and doc.full:
        picture = output.with_name(output.stem + "-org-chart.svg")
        picture.write_text(doc.org_chart_svg, encoding="utf-8")
        svg_href = picture.name
    text = (
        account_plan_output.to_markdown(doc, svg_href=svg_href)
        if chosen == "md"
        else account_plan_output.to_html(doc)
    )
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    err.print(
        f"wrote {escape(str(output))}" + (f" and {escape(svg_href)}" if svg_href else ""),
        highlight=False,
    )
