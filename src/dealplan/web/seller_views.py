"""View models of the seller pages: the services' results turned into what the pages show.

Plain functions over a session and an `as_of`; no rules here (the engines judge, these only
arrange). The pipeline board and the review read `health_service.review` (all open deals,
rated and ranked at once); the deal page reads `health_service.check`, the qualification
report, the gate, the closing plan and the deal's MAP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.account.models import Account
from dealplan.deal.models import Deal, GateOverride
from dealplan.errors import InputError, NotFoundError
from dealplan.plan.models import MapItem, Milestone
from dealplan.web.seller_schemas import (
    Board,
    BoardColumn,
    ClosingPlanOut,
    CriterionOut,
    DealCard,
    DealHead,
    DealPage,
    ElementOut,
    GateOut,
    HealthOut,
    MapItemOut,
    MilestoneOut,
    OverrideOut,
    PersonOut,
    PlaybookOut,
    ReasonOut,
    Review,
    RiskOut,
    StepOut,
)

if TYPE_CHECKING:
    from dealplan.deal.health_service import Rated
    from dealplan.engines.gates import GateCheck
    from dealplan.engines.verdict import Reason

LEVELS = ("dead", "red", "yellow", "green")
# Reasons a card shows: the rest are one click away on the deal page.
CARD_REASONS = 3


def reason_out(r: Reason) -> ReasonOut:
    return ReasonOut(
        rule=r.rule, code=r.code, level=str(r.level.value), message=r.message, action=r.action
    )


def _playbook(p: Any) -> PlaybookOut | None:
    if p is None:
        return None
    d = p.as_dict()
    return PlaybookOut(
        step=d["step"],
        name=d["name"],
        days_silent=d["days_silent"],
        to=d["to"],
        action=d["action"],
        message=d["message"],
    )


def card(r: Rated, category: str | None) -> DealCard:
    """A rated deal as a card: its level, risk and the reasons behind the level."""
    h = r.health
    return DealCard(
        id=r.deal_id,
        external_id=r.external_id,
        name=r.name,
        account=r.account,
        owner=r.owner,
        stage=r.stage,
        amount=r.amount,
        close_date=r.close_date,
        forecast_category=category,
        level=h.level.value,
        risk=h.risk,
        reasons=[reason_out(x) for x in h.top_reasons()[:CARD_REASONS]],
        next_action=h.next_action,
        playbook=_playbook(h.playbook),
    )


def level_counts(cards: Iterable[DealCard]) -> dict[str, int]:
    counts = dict.fromkeys(LEVELS, 0)
    for c in cards:
        counts[c.level] += 1
    return counts


def _categories(session: Session) -> dict[int, str | None]:
    rows = session.execute(select(Deal.id, Deal.forecast_category).where(Deal.outcome == "open"))
    return {i: c for i, c in rows}


def _owners(session: Session) -> list[str]:
    rows = session.scalars(
        select(Deal.owner).where(Deal.owner.is_not(None), Deal.outcome == "open").distinct()
    )
    return sorted(o for o in rows if o)


def _rated_cards(session: Session, as_of: dt.datetime, owner: str | None) -> list[DealCard]:
    from dealplan.deal import health_service

    categories = _categories(session)
    rated = health_service.review(session=session, as_of=as_of, owner=owner)
    return [card(r, categories.get(r.deal_id)) for r in rated]


def ranked_cards(
    *,
    session: Session,
    as_of: dt.datetime,
    owner: str | None = None,
    category: str | None = None,
) -> list[DealCard]:
    """Open deals (of `owner`, in forecast `category`) as cards, riskiest first."""
    cards = _rated_cards(session, as_of, owner)
    return [c for c in cards if not category or c.forecast_category == category]


def board(
    *,
    session: Session,
    as_of: dt.datetime,
    owner: str | None = None,
    category: str | None = None,
) -> Board:
    """Open deals in a column per open stage of the model, riskiest first in each column."""
    from dealplan.workspace.service import stage_model

    cards = _rated_cards(session, as_of, owner)
    categories = sorted({c.forecast_category for c in cards if c.forecast_category})
    if category:
        cards = [c for c in cards if c.forecast_category == category]
    stages = [s.name for s in stage_model(session=session).stages if s.outcome == "open"]
    stages += sorted({c.stage for c in cards} - set(stages))
    columns = []
    for stage in stages:
        in_stage = [c for c in cards if c.stage == stage]
        columns.append(
            BoardColumn(
                stage=stage,
                deals=in_stage,
                amount=sum(c.amount or 0.0 for c in in_stage),
                levels=level_counts(in_stage),
            )
        )
    return Board(
        as_of=as_of,
        columns=columns,
        owners=_owners(session),
        categories=categories,
        owner=owner,
        category=category,
        levels=level_counts(cards),
        deals=len(cards),
        amount=sum(c.amount or 0.0 for c in cards),
    )


def review(*, session: Session, as_of: dt.datetime, owner: str | None = None) -> Review:
    """Every open deal ranked by risk, and those with a silence-playbook step this week."""
    cards = _rated_cards(session, as_of, owner)
    return Review(
        as_of=as_of,
        owner=owner,
        owners=_owners(session),
        levels=level_counts(cards),
        deals=cards,
        actions=[c for c in cards if c.playbook is not None],
    )


def gate_out(g: GateCheck) -> GateOut:
    return GateOut(
        from_stage=g.from_stage,
        to_stage=g.to_stage,
        direction=g.direction,
        passed=g.passed,
        checks=[
            CriterionOut(
                key=c.key, label=c.label, stage=c.stage, kind=c.kind, met=c.met, action=c.action
            )
            for c in g.checks
        ],
    )


def _head(session: Session, deal: Deal) -> DealHead:
    account = session.get(Account, deal.account_id) if deal.account_id is not None else None
    return DealHead(
        id=deal.id,
        external_id=deal.external_id,
        name=deal.name,
        account=account.name if account else None,
        account_id=deal.account_id,
        owner=deal.owner,
        stage=deal.stage,
        outcome=deal.outcome,
        amount=deal.amount,
        close_date=deal.close_date,
        forecast_category=deal.forecast_category,
        next_step=deal.next_step,
        next_step_date=deal.next_step_date,
        problem=deal.problem,
        solution=deal.solution,
    )


def _health(session: Session, deal_id: int, as_of: dt.datetime) -> HealthOut | None:
    from dealplan.deal import health_service

    try:
        c = health_service.check(session=session, deal_id=deal_id, as_of=as_of)
    except NotFoundError:
        return None
    h = c.rated.health
    return HealthOut(
        level=(c.before_close or h.level).value,
        risk=h.risk,
        reasons=[reason_out(r) for r in h.verdict.reasons],
        anti_patterns=[reason_out(r) for r in h.anti_patterns],
        next_action=h.next_action,
        playbook=_playbook(h.playbook),
        first_yellow=c.first_yellow,
        first_red=c.first_red,
    )


def _committee(people: Sequence[Any]) -> tuple[list[PersonOut], str]:
    """The deal's buying committee, and its org chart as SVG (the account plan's drawing)."""
    from dealplan.engines.account_plan import quadrant
    from dealplan.reports.account_plan import label
    from dealplan.reports.org_chart import OrgNode, org_chart_svg

    names = {p.id: p.name for p in people}
    out = [
        PersonOut(
            id=p.id,
            name=p.name,
            title=p.title,
            role=p.role,
            engagement=p.engagement,
            influence=p.influence,
            support=p.support,
            reports_to=names.get(p.reports_to_id) if p.reports_to_id else None,
            professional_win=p.professional_win,
            personal_win=p.personal_win,
        )
        for p in sorted(people, key=lambda p: p.id)
    ]
    nodes = [
        OrgNode(
            id=p.id,
            name=p.name,
            title=p.title,
            role=label(p.role) or None,
            engagement=p.engagement,
            quadrant=quadrant(p),
            reports_to_id=p.reports_to_id if p.reports_to_id in names else None,
            has_win=bool((p.personal_win or "").strip() or (p.professional_win or "").strip()),
        )
        for p in people
    ]
    return out, (org_chart_svg(nodes, title="Buying committee") if nodes else "")


def _map(
    session: Session, deal_id: int, today: dt.date
) -> tuple[list[MilestoneOut], list[MapItemOut]]:
    milestones = list(
        session.scalars(
            select(Milestone)
            .where(Milestone.deal_id == deal_id)
            .order_by(Milestone.position, Milestone.id)
        )
    )
    names = {m.id: m.name for m in milestones}
    order = {m.id: i for i, m in enumerate(milestones)}
    items = sorted(
        session.scalars(select(MapItem).where(MapItem.deal_id == deal_id)),
        key=lambda i: (
            order.get(i.milestone_id or -1, len(order)),
            i.due_date or dt.date.max,
            i.id,
        ),
    )
    return (
        [MilestoneOut(id=m.id, name=m.name, due_date=m.due_date) for m in milestones],
        [
            MapItemOut(
                id=i.id,
                milestone_id=i.milestone_id,
                milestone=names.get(i.milestone_id) if i.milestone_id else None,
                action=i.action,
                side=i.side,
                seller_owner=i.seller_owner,
                customer_owner=i.customer_owner,
                due_date=i.due_date,
                status=i.status,
                version=i.version,
                overdue=i.due_date is not None
                and i.due_date < today
                and i.status not in ("complete", "cancelled"),
            )
            for i in items
        ],
    )


def _closing(
    session: Session, deal_id: int, as_of: dt.datetime
) -> tuple[ClosingPlanOut | None, str | None]:
    from dealplan.plan import service as plans

    t = plans.workspace_thresholds(session=session)
    try:
        plan, _ = plans.plan_for(session=session, deal_id=deal_id, as_of=as_of, t=t)
    except (InputError, NotFoundError) as exc:
        return None, str(exc)
    return (
        ClosingPlanOut(
            steps=[
                StepOut(
                    stage=s.stage,
                    action=s.action,
                    exit=s.exit,
                    target=s.target,
                    target_p80=s.target_p80,
                    current=s.current,
                    source=s.source,
                )
                for s in plan.steps
            ],
            close_date=plan.close_date,
            projected_close=plan.projected_close,
            projected_close_p80=plan.projected_close_p80,
            level=plan.verdict.level.value,
            reasons=[reason_out(r) for r in plan.verdict.reasons],
            map_ready=plan.map_ready,
            blockers=list(plan.map_blockers),
        ),
        None,
    )


def next_stage(stages: Sequence[Any], current: str) -> str | None:
    """The open or won stage after `current` in the model's order (None at the end)."""
    names = [s.name for s in stages if s.outcome != "lost"]
    if current not in names:
        return names[0] if names else None
    i = names.index(current)
    return names[i + 1] if i + 1 < len(names) else None


def find_deal(session: Session, deal_id: int) -> Deal:
    deal = session.get(Deal, deal_id)
    if deal is None:
        raise NotFoundError(f"no deal {deal_id}")
    return deal


def deal_page(*, session: Session, deal_id: int, as_of: dt.datetime) -> DealPage:
    """The deal page: health, MEDDPICC, committee, risks, MAP, next gate, closing plan."""
    from dealplan.deal import qual_reports
    from dealplan.deal import qual_service as qs
    from dealplan.engines import gates
    from dealplan.reports.account_plan import ELEMENT_LABELS, label
    from dealplan.workspace.service import stage_model

    deal = find_deal(session, deal_id)
    model = stage_model(session=session)
    qual: dict[str, Any] = {}
    facts = None
    try:
        facts = qs.deal_facts(session=session, deal=deal, as_of=as_of)
        qual = qual_reports.qualification_report(session=session, deal=deal, as_of=as_of)
    except NotFoundError:
        pass
    meddpicc = [
        ElementOut(
            element=m["element"],
            label=ELEMENT_LABELS.get(m["element"], label(m["element"])),
            status=str(m["status"] or "unknown"),
            value=m["value"],
            evidence=m["evidence"],
            validated_by=m["validated_by"],
            validated_on=m["validated_on"],
            red_flag=m["red_flag"],
        )
        for m in qual.get("meddpicc", [])
    ]
    committee, svg = _committee(facts.committee if facts else ())
    gate = None
    target = next_stage(model.stages, deal.stage) if deal.outcome == "open" else None
    if facts is not None and target is not None:
        gate = gate_out(gates.check_gate(facts, model, target, qs.thresholds_for(session)))
    milestones, items = _map(session, deal.id, as_of.date())
    overrides = [
        OverrideOut(
            from_stage=o.from_stage,
            to_stage=o.to_stage,
            reason=o.reason,
            unmet=list(o.unmet or []),
            actor=o.actor,
            at=o.at,
        )
        for o in session.scalars(
            select(GateOverride).where(GateOverride.deal_id == deal.id).order_by(GateOverride.id)
        )
    ]
    closing, closing_error = (None, None)
    if deal.outcome == "open":
        closing, closing_error = _closing(session, deal.id, as_of)
    return DealPage(
        as_of=as_of,
        deal=_head(session, deal),
        health=_health(session, deal.id, as_of),
        meddpicc=meddpicc,
        committee=committee,
        org_chart_svg=svg,
        risks=[
            RiskOut(
                issue=r["issue"],
                mitigation=r.get("mitigation"),
                help_needed=r.get("help_needed"),
                responsible=r.get("responsible"),
                status=str(r.get("status") or "open"),
            )
            for r in qual.get("risks", [])
        ],
        milestones=milestones,
        items=items,
        stages=model.names,
        next_gate=gate,
        overrides=overrides,
        closing=closing,
        closing_error=closing_error,
    )
