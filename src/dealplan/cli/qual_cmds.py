"""Qualification commands: methodology show/use/set (QUAL-1), stage (QUAL-2), proposal-ready
(QUAL-3), qualify (QUAL-4), plan-type (ACC-6), tiers (ACC-8), discount (QUAL-10)."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dealplan.cli import qual_render as render
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
    workspace,
)
from dealplan.errors import InputError
from dealplan.methodology import MODELS
from dealplan.methodology.thresholds import default_thresholds

if TYPE_CHECKING:
    pass


methodology_app = typer.Typer(
    help="The stage model and thresholds in force (QUAL-1).", no_args_is_help=True
)
app.add_typer(methodology_app, name="methodology")

ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Who makes the change, as history records it (default: you)."),
]


def _actor(actor: str | None) -> str:
    return actor or getpass.getuser()


@methodology_app.command("show")
def methodology_show_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the stage model in force (stages, probabilities, criteria, checklists) and the
    thresholds in force."""
    from dealplan.deal import qual_service as qs
    from dealplan.workspace.service import stage_model

    with workspace(db) as session:
        model = stage_model(session=session)
        t = qs.thresholds_for(session)
        overrides = qs.threshold_overrides(session=session)
    data = render.methodology_data(model, t, overrides, default_thresholds())
    if as_json:
        print_json(data)
        return
    render.methodology(data)


@methodology_app.command("use")
def methodology_use_cmd(
    spec: Annotated[
        str,
        typer.Argument(
            metavar="NAME|FILE",
            help=f"A shipped model ({', '.join(MODELS)}) or a TOML file with your own.",
        ),
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Choose the workspace's stage model: a shipped one, or your own from a TOML file."""
    from dealplan.deal import qual_service as qs

    path = Path(spec)
    if spec not in MODELS and not path.is_file():
        raise InputError(f"{spec!r} is neither a shipped model ({', '.join(MODELS)}) nor a file")
    with workspace(db) as session:
        if spec in MODELS:
            choice = qs.use_model(session=session, name=spec)
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"cannot read {spec}: {exc}") from None
            choice = qs.use_model(session=session, text=text)
    data = {
        "methodology": choice.model.name,
        "title": choice.model.title,
        "source": "shipped" if choice.shipped else str(path),
        "stages": choice.model.names,
        "stranded": choice.stranded,
    }
    if as_json:
        print_json(data)
        return
    out.print(
        f"Stage model in force: {data['methodology']} ({data['title']}), "
        f"{'shipped' if choice.shipped else 'from ' + str(path)}",
        highlight=False,
    )
    out.print("Stages: " + " -> ".join(choice.model.names), highlight=False)
    for stage, n in choice.stranded.items():
        err.print(
            f"warning: {n} open deal(s) in {stage!r}, which this model does not have; "
            "move them with `dealplan stage`, or go back with `dealplan methodology use`",
            highlight=False,
            soft_wrap=True,
        )


@methodology_app.command("set")
def methodology_set_cmd(
    key: Annotated[str, typer.Argument(help="A threshold, like eb.mandatory_above.")],
    value: Annotated[
        str | None, typer.Argument(help="Its new value: a number, list or text (TOML).")
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Go back to the shipped value.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Override a threshold for this workspace (validated), or --reset it."""
    from dealplan.deal import qual_service as qs

    if (value is None) == (not reset):
        raise InputError("give a VALUE, or --reset (not both)")
    parsed = None if reset else qs.parse_value(value or "")
    with workspace(db) as session:
        t = qs.set_threshold(session=session, key=key, value=parsed)
        overrides = qs.threshold_overrides(session=session)
    data = {
        "key": key,
        "value": t.get(key),
        "shipped": default_thresholds().get(key),
        "overridden": key in overrides,
        "overrides": overrides,
    }
    if as_json:
        print_json(data)
        return
    note = f"(shipped: {data['shipped']!r})" if data["overridden"] else "(the shipped value)"
    out.print(f"{key} = {data['value']!r} {note}", highlight=False)


@app.command("stage")
def stage_cmd(
    ref: DealRef,
    stage: Annotated[str, typer.Argument(help="The stage to move the deal to.")],
    override: Annotated[
        str | None,
        typer.Option(
            "--override",
            metavar="REASON",
            help="Move although exit criteria fail; the reason is recorded (stage inflation).",
        ),
    ] = None,
    actor: ActorOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move a deal to STAGE through the stage gate: refused while exit criteria fail."""
    from dealplan.clock import utcnow
    from dealplan.deal import qual_service as qs
    from dealplan.deal import service as deals

    now = utcnow()
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        label = deal.external_id or str(deal.id)
        move = qs.change_stage(
            session=session,
            deal=deal,
            stage=stage,
            actor=_actor(actor),
            at=now,
            override=override,
        )
    if as_json:
        print_json({"deal": label, **move.as_dict()})
    else:
        render.stage_move(label, move)
    if not move.moved:
        raise typer.Exit(1)


def _deal_report(
    ref: str,
    as_of: str | None,
    db: str | None,
    as_json: bool,
    build: Callable[..., dict[str, Any]],
    draw: Callable[[dict[str, Any]], None],
) -> None:
    """A read-only report on one deal: built at --as-of, printed as JSON or drawn."""
    from dealplan.clock import utcnow
    from dealplan.deal import service as deals

    moment = parse_as_of(as_of, utcnow())
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        data = build(session=session, deal=deal, as_of=moment)
    if as_json:
        print_json(data)
        return
    draw(data)


@app.command("proposal-ready")
def proposal_ready_cmd(
    ref: DealRef, as_of: AsOfOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Should the proposal go out? The EB checklist and the proposal decision tree."""
    from dealplan.deal import qual_reports as reports

    _deal_report(ref, as_of, db, as_json, reports.proposal_report, render.proposal)


@app.command("qualify")
def qualify_cmd(
    ref: DealRef, as_of: AsOfOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Qualify a deal: scorecard /30, disqualifiers, MEDDPICC with red flags, EB, champion,
    threads, competition, risks, exit criteria and the aids for its stage."""
    from dealplan.deal import qual_reports as reports

    _deal_report(ref, as_of, db, as_json, reports.qualification_report, render.qualification)


@app.command("plan-type")
def plan_type_cmd(
    ref: DealRef, as_of: AsOfOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Full or simplified account plan for a deal, and why, with the numbers (ACC-6)."""
    from dealplan.deal import qual_reports as reports

    _deal_report(ref, as_of, db, as_json, reports.plan_type_report, render.plan_type)


@app.command("tiers")
def tiers_cmd(
    days: Annotated[
        int | None,
        typer.Option("--days", help="Activity window for time allocation (default: 90)."),
    ] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Account tiers by potential, and time spent per tier against 40/35/20/5 (ACC-8)."""
    from dealplan.clock import utcnow
    from dealplan.deal import qual_reports as reports

    moment = parse_as_of(as_of, utcnow())
    with workspace(db) as session:
        data = reports.tiers_report(session=session, as_of=moment, days=days)
    if as_json:
        print_json(data)
        return
    render.tiers(data)


@app.command("discount")
def discount_cmd(
    ref: DealRef,
    percent: Annotated[
        float | None, typer.Argument(help="The discount asked for, in percent.")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the buyer asks.")] = None,
    justification: Annotated[
        str | None, typer.Option("--justification", help="Needed above 10% (manager).")
    ] = None,
    quid_pro_quo: Annotated[
        str | None,
        typer.Option("--quid-pro-quo", help="What the buyer gives back; needed above 20%."),
    ] = None,
    sponsor: Annotated[
        str | None, typer.Option("--sponsor", help="Executive sponsor; needed above 30% (VP).")
    ] = None,
    business_case: Annotated[
        str | None, typer.Option("--business-case", help="Documented business case; above 30%.")
    ] = None,
    list_only: Annotated[
        bool, typer.Option("--list", help="List the deal's recorded discount requests.")
    ] = False,
    actor: ActorOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Route a discount request to its approver and record it, or --list the requests."""
    from dealplan.clock import utcnow
    from dealplan.deal import qual_service as qs
    from dealplan.deal import service as deals
    from dealplan.engines.discount import tiers_table

    now = utcnow()
    if not list_only and (percent is None or reason is None):
        raise InputError("give PERCENT and --reason (or --list)")
    with workspace(db) as session:
        deal = deals.find(session=session, ref=ref)
        label = deal.external_id or str(deal.id)
        if list_only:
            rows = qs.discount_requests(session=session, deal_id=deal.id)
            t = qs.thresholds_for(session)
        else:
            fields = {
                "justification": justification,
                "quid_pro_quo": quid_pro_quo,
                "executive_sponsor": sponsor,
                "business_case": business_case,
            }
            routing, row = qs.request_discount(
                session=session,
                deal=deal,
                percent=float(percent or 0),
                reason=reason or "",
                fields=fields,
                actor=_actor(actor),
                at=now,
            )
    if list_only:
        if as_json:
            print_json({"deal": label, "requests": rows, "tiers": tiers_table(t)})
            return
        render.discount_list(label, rows)
        return
    data: dict[str, Any] = {"deal": label, "request_id": row.id if row else None}
    data |= routing.as_dict()
    if as_json:
        print_json(data)
    else:
        render.discount(data)
    if row is None:
        raise typer.Exit(1)
