"""Building the account plan document (ACC-11) from a workspace: `build`.

Reads the account as it stood at `as_of` (each open deal rebuilt from history), runs the
engines (checklist, personal wins, plan scope, closing plans, MEDDPICC red flags, keyword
analysis, deal health when that service is installed) and returns an `AccountPlanDoc`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.account import keyword_service
from dealplan.contact.models import Contact
from dealplan.deal.facts import load_bundles
from dealplan.deal.models import Deal, Risk
from dealplan.deal.qual_reports import account_potentials, average_acv, rank_of
from dealplan.engines import account_plan as rules
from dealplan.engines.closing_plan import ClosingPlan, NotPlannableError, closing_plan
from dealplan.engines.facts import AccountFacts, DealFacts, Person
from dealplan.engines.qualification import meddpicc_table
from dealplan.engines.scorecard import eb_report
from dealplan.engines.tiering import cycle_days
from dealplan.engines.verdict import Reason
from dealplan.history.rebuild import deal_as_of
from dealplan.methodology.thresholds import Thresholds
from dealplan.plan.service import workspace_stage_times, workspace_thresholds
from dealplan.reports.account_plan import (
    ELEMENT_LABELS,
    STATUS_LABELS,
    AccountPlanDoc,
    DealSection,
    ElementView,
    HealthView,
    ItemView,
    NextStep,
    PersonView,
    RiskView,
    label,
    short_name,
)
from dealplan.reports.org_chart import OrgNode, org_chart_svg
from dealplan.workspace.service import stage_model


def _health_module() -> ModuleType | None:
    # Deal health is another service's; use it when it is installed (see ACC-11).
    try:
        return importlib.import_module("dealplan.deal.health_service")
    except ModuleNotFoundError:
        return None


def _person(row: Mapping[str, Any]) -> Person:
    names = Person.__dataclass_fields__
    values = {k: v for k, v in row.items() if k in names}
    values["motivations"] = tuple(row.get("motivations") or ())
    values["chess"] = None
    values["thread_checks"] = None
    return Person(**values)


def _account_facts(row: Mapping[str, Any]) -> AccountFacts:
    names = AccountFacts.__dataclass_fields__
    return AccountFacts(**{k: v for k, v in row.items() if k in names})


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}


def _views(rows: Sequence[Mapping[str, Any]]) -> tuple[PersonView, ...]:
    names = {r["id"]: r["name"] for r in rows}
    out = []
    for r in sorted(rows, key=lambda r: r["id"]):
        p = _person(r)
        answers = r.get("personal_win_answers") or {}
        out.append(
            PersonView(
                id=p.id,
                name=p.name,
                title=p.title,
                role=p.role,
                quadrant=rules.quadrant(p),
                engagement=p.engagement,
                influence=p.influence,
                support=p.support,
                depth=p.relationship_depth,
                reports_to_id=p.reports_to_id if p.reports_to_id in names else None,
                reports_to=names.get(p.reports_to_id) if p.reports_to_id else None,
                location=r.get("location"),
                email=r.get("email"),
                phone=r.get("phone"),
                linkedin=r.get("linkedin"),
                domain=r.get("domain"),
                professional_win=p.professional_win,
                personal_win=p.personal_win,
                professional_risk=p.professional_risk,
                motivations=p.motivations,
                answers=tuple((str(q), str(a)) for q, a in answers.items() if a),
            )
        )
    return tuple(out)


def _elements(facts: DealFacts, t: Thresholds) -> tuple[ElementView, ...]:
    """ACC-4 rows with the seed's red flags, as the qualification engine judges them."""
    rows = meddpicc_table(facts, eb_report(facts, t))
    return tuple(
        ElementView(
            element=r["element"],
            label=ELEMENT_LABELS.get(r["element"], label(r["element"])),
            status=str(r["status"] or "unknown"),
            value=r["value"],
            evidence=r["evidence"],
            validated_by=r["validated_by"],
            validated_on=r["validated_on"],
            red_flag=r["red_flag"],
        )
        for r in rows
    )


def _items(
    milestones: Sequence[Mapping[str, Any]], items: Sequence[Mapping[str, Any]], today: dt.date
) -> tuple[ItemView, ...]:
    ms = {m["id"]: m for m in milestones}
    order = {m["id"]: (m.get("position") or 0, m["id"]) for m in milestones}

    def key(i: Mapping[str, Any]) -> tuple[Any, ...]:
        due = i.get("due_date")
        return (due is None, due or dt.date.max, order.get(i.get("milestone_id"), (0, 0)), i["id"])

    out = []
    for i in sorted(items, key=key):
        if i.get("status") == "cancelled":
            continue
        due = i.get("due_date")
        status = str(i.get("status") or "not_started")
        m = ms.get(i.get("milestone_id"))
        out.append(
            ItemView(
                milestone=m["name"] if m else None,
                action=i["action"],
                side=i["side"],
                seller_owner=i.get("seller_owner"),
                customer_owner=i.get("customer_owner"),
                due_date=due,
                status=STATUS_LABELS.get(status, status),
                overdue=due is not None and due < today and status != "complete",
                created_by_side=i.get("created_by_side") or "seller",
            )
        )
    return tuple(out)


def _health(rated: Any, facts: DealFacts) -> HealthView:
    last = max(facts.map_events, key=lambda e: e.at, default=None)
    at, actor = (last.at, last.actor) if last else (None, None)
    health = getattr(rated, "health", None)
    if health is None:
        return HealthView(False, None, (), at, actor)
    return HealthView(
        True,
        str(health.level.value),
        tuple(health.top_reasons(4)),
        at,
        actor,
        health.next_action,
    )


def _next_steps(
    sections: Sequence[DealSection],
    checklist: rules.Checklist,
    flags: Sequence[Reason],
    hypothesis: Sequence[Reason],
    today: dt.date,
) -> list[NextStep]:
    """What to do next, per deal by date (recorded next step, the closing plan's current
    step, the next open MAP items, the health verdict's action), then for the account."""
    dated: list[NextStep] = []
    for d in sections:
        if d.next_step:
            late = d.next_step_date is not None and d.next_step_date < today
            dated.append(
                NextStep(d.next_step, "next step", d.short_name, d.owner, d.next_step_date, late)
            )
        if d.closing is not None:
            s = d.closing.steps[0]
            dated.append(
                NextStep(f"Reach '{s.exit}'", "closing plan", d.short_name, s.owner, s.target)
            )
        for i in [i for i in d.items if i.status != "complete"][:2]:
            who = i.customer_owner or i.seller_owner
            dated.append(NextStep(i.action, "MAP", d.short_name, who, i.due_date, i.overdue))
        if d.health.next_action and d.health.level not in (None, "green"):
            dated.append(NextStep(d.health.next_action, "health", d.short_name, d.owner))
    dated.sort(key=lambda n: (n.due is None, n.due or dt.date.max))
    account = [
        NextStep(str(c.action), "checklist (ACC-7)")
        for c in checklist.checks
        if c.applies and c.action
    ]
    account += [NextStep(str(r.action), r.rule) for r in [*hypothesis, *flags] if r.action]
    return dated + account


def build(
    *,
    session: Session,
    account: str,
    as_of: dt.datetime,
    t: Thresholds | None = None,
    force_full: bool = False,
) -> AccountPlanDoc:
    """The account plan of the account named `account` as it stood at `as_of`.

    Raises NotFoundError for an unknown account. Accounts without open deals get the summary
    and org chart from their current rows; deal sections are rebuilt from history.
    """
    t = t or workspace_thresholds(session=session)
    acc = keyword_service.find_account(session=session, name=account)
    today = as_of.date()
    ids = list(session.scalars(select(Deal.id).where(Deal.account_id == acc.id).order_by(Deal.id)))
    bundles = load_bundles(session, ids)
    facts = [f for b in bundles if (f := b.facts(as_of)) is not None]
    open_facts = sorted(
        (f for f in facts if f.outcome == "open"), key=lambda f: (-(f.amount or 0), f.id)
    )
    closed = [
        {
            "name": short_name(f.name, acc.name),
            "outcome": f.outcome,
            "amount": f.amount,
            "closed_date": f.closed_date,
            "loss_reason": f.loss_reason,
        }
        for f in facts
        if f.outcome != "open"
    ]
    states = {f.id: deal_as_of(session, deal_id=f.id, as_of=as_of) for f in open_facts}
    first = next((s for s in states.values() if s is not None), None)
    if first is not None and first.account is not None:
        account_row: dict[str, Any] = dict(first.account)
        contact_rows = [dict(c) for c in first.committee]
    else:
        account_row = _row(acc)
        contact_rows = [
            _row(c) for c in session.scalars(select(Contact).where(Contact.account_id == acc.id))
        ]
    account_facts = _account_facts(account_row)
    committee = [_person(r) for r in contact_rows if r.get("name")]
    people = _views([r for r in contact_rows if r.get("name")])
    model = stage_model(session=session)
    times = workspace_stage_times(session=session, as_of=as_of, t=t) if open_facts else {}
    module = _health_module()
    rated: dict[int, Any] = {}
    if module is not None and open_facts:
        norms = module.stage_norms(session=session, as_of=as_of, t=t)
        for b in bundles:
            if b.deal_id in states:
                rated[b.deal_id] = module.rate(b, as_of=as_of, norms=norms, t=t)
    sections = []
    for f in open_facts:
        state = states[f.id]
        try:
            plan: ClosingPlan | None = closing_plan(f, model, times, t)
        except NotPlannableError:
            plan = None
        sections.append(
            DealSection(
                id=f.id,
                external_id=f.external_id,
                name=f.name,
                short_name=short_name(f.name, acc.name),
                stage=f.stage,
                amount=f.amount,
                close_date=f.close_date,
                owner=f.owner,
                next_step=f.next_step,
                next_step_date=f.next_step_date,
                cycle_days=cycle_days(f),
                meddpicc=_elements(f, t),
                items=_items(
                    state.milestones if state else [], state.map_items if state else [], today
                ),
                closing=plan,
                health=_health(rated.get(f.id), f),
            )
        )
    all_risks: list[RiskView] = []
    for f in open_facts:
        state = states[f.id]
        for r in state.risks if state else []:
            all_risks.append(_risk(r, short_name(f.name, acc.name)))
    account_risks = select(Risk).where(Risk.account_id == acc.id, Risk.deal_id.is_(None))
    for risk in session.scalars(account_risks):
        all_risks.append(_risk(_row(risk), None))
    # The plan lists the risks still open; closed ones are counted, not shown.
    risk_rows = [r for r in all_risks if r.status != "closed"]
    potentials = account_potentials(session=session, as_of=today)
    scope = rules.plan_scope(
        account=acc.name,
        deals=open_facts,
        average_acv=average_acv(session=session, as_of=today)[0],
        account_rank=rank_of(potentials, acc.id),
        accounts=len(potentials),
        t=t,
        name=lambda d: short_name(d.name, acc.name),
    )
    if force_full and scope.kind != "full":
        scope = dataclasses.replace(
            scope, kind="full", reasons=(*scope.reasons, "full plan asked for (--full)")
        )
    checklist = rules.checklist(
        account_facts, committee, open_facts, t, name=lambda d: short_name(d.name, acc.name)
    )
    flags = tuple(rules.personal_win_flags(committee))
    hypothesis = tuple(rules.hypothesis_reasons(account_facts))
    nodes = [
        OrgNode(
            id=p.id,
            name=p.name,
            title=p.title,
            role=label(p.role) or None,
            engagement=p.engagement,
            quadrant=p.quadrant,
            reports_to_id=p.reports_to_id,
            has_win=p.has_win,
        )
        for p in people
    ]
    return AccountPlanDoc(
        as_of=today,
        account=account_row,
        scope=scope,
        hypothesis_reasons=hypothesis,
        people=people,
        org_chart_svg=org_chart_svg(nodes) if nodes else "",
        personal_win_flags=flags,
        deals=tuple(sections),
        closed_deals=tuple(closed),
        risks=tuple(risk_rows),
        closed_risks=len(all_risks) - len(risk_rows),
        checklist=checklist,
        next_steps=tuple(_next_steps(sections, checklist, flags, hypothesis, today)),
        keywords=keyword_service.analysis(session=session, account=acc, as_of=today, t=t),
        health_service=module is not None,
        owner=account_row.get("owner"),
    )


def _risk(r: Mapping[str, Any], deal: str | None) -> RiskView:
    return RiskView(
        issue=r["issue"],
        mitigation=r.get("mitigation"),
        help_needed=r.get("help_needed"),
        responsible=r.get("responsible"),
        status=str(r.get("status") or "open"),
        deal=deal,
    )
