"""Read-side qualification reports: what `qualify`, `proposal-ready`, `plan-type` and
`tiers` show, assembled from the engines as JSON-ready data.

Plan type and tiers read accounts and deals with today's amounts, selecting the deals that
were open on the `as_of` date by their created and closed dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.account.models import Account
from dealplan.activity.models import Activity
from dealplan.deal.models import Deal
from dealplan.deal.qual_service import deal_facts, discount_requests, thresholds_for
from dealplan.engines import gates
from dealplan.engines.committee import thread_quality
from dealplan.engines.facts import DealFacts
from dealplan.engines.qualification import qualify
from dealplan.engines.tiering import (
    AccountPotential,
    ActivityTime,
    allocation,
    plan_type,
    tier_of,
)
from dealplan.errors import InputError
from dealplan.methodology import StageModel
from dealplan.workspace.service import stage_model


def _open_at(as_of: dt.date) -> Any:
    """Deals open on `as_of` (as far as their dates say; amounts are today's)."""
    created = func.coalesce(Deal.created_date, as_of)
    return (created <= as_of) & ((Deal.outcome == "open") | (Deal.closed_date > as_of))


def average_acv(*, session: Session, as_of: dt.date) -> tuple[float | None, str]:
    """The workspace's average ACV at `as_of`: of won deals, else of all deals with amounts.

    Returns the average and its basis in words.
    """
    won = select(func.avg(Deal.amount), func.count(Deal.amount)).where(
        Deal.outcome == "won", Deal.closed_date <= as_of, Deal.amount > 0
    )
    avg, n = session.execute(won).one()
    if n:
        return float(avg), f"{n} won deals"
    every = select(func.avg(Deal.amount), func.count(Deal.amount)).where(
        func.coalesce(Deal.created_date, as_of) <= as_of, Deal.amount > 0
    )
    avg, n = session.execute(every).one()
    return (float(avg) if n else None), f"{n} deals (none won yet)"


def account_potentials(*, session: Session, as_of: dt.date) -> list[AccountPotential]:
    """Every account's potential inputs (ACC-6, ACC-8): recorded potential, open deals."""
    q = (
        select(
            Account,
            func.coalesce(func.sum(Deal.amount), 0),
            func.count(Deal.id),
        )
        .outerjoin(Deal, (Deal.account_id == Account.id) & _open_at(as_of))
        .group_by(Account.id)
        .order_by(Account.name)
    )
    return [
        AccountPotential(
            a.id,
            a.name,
            a.owner,
            a.potential_value,
            float(amount or 0),
            int(n),
            a.strategic_fit,
            a.active_buying,
        )
        for a, amount, n in session.execute(q)
    ]


def rank_of(potentials: list[AccountPotential], account_id: int | None) -> int | None:
    """1-based rank of the account by potential (ties share the better rank)."""
    mine = next((p for p in potentials if p.id == account_id), None)
    if mine is None:
        return None
    return 1 + sum(1 for p in potentials if p.potential > mine.potential)


def activity_times(
    *, session: Session, start: dt.datetime, end: dt.datetime, kinds: list[str]
) -> list[ActivityTime]:
    """Seller activities of `kinds` in (start, end], with the account and the owner they
    count for (the deal's owner, else the account's)."""
    q = (
        select(
            func.coalesce(Activity.account_id, Deal.account_id),
            func.coalesce(Deal.owner, Account.owner),
            Activity.duration_minutes,
        )
        .outerjoin(Deal, Activity.deal_id == Deal.id)
        .outerjoin(Account, Account.id == func.coalesce(Activity.account_id, Deal.account_id))
        .where(Activity.occurred_at > start, Activity.occurred_at <= end)
        .where(Activity.type.in_(kinds))
    )
    return [
        ActivityTime(int(acc), owner, minutes)
        for acc, owner, minutes in session.execute(q)
        if acc is not None
    ]


def _head(f: DealFacts, model: StageModel) -> dict[str, Any]:
    return {
        "id": f.id,
        "external_id": f.external_id,
        "name": f.name,
        "account": f.account.name if f.account else None,
        "owner": f.owner,
        "stage": f.stage,
        "methodology": model.name,
        "amount": f.amount,
        "close_date": f.close_date,
        "outcome": f.outcome,
    }


def qualification_report(*, session: Session, deal: Deal, as_of: dt.datetime) -> dict[str, Any]:
    """Everything `dealplan qualify` shows, as JSON-ready data (QUAL-4 and friends)."""
    facts = deal_facts(session=session, deal=deal, as_of=as_of)
    model = stage_model(session=session)
    t = thresholds_for(session)
    q = qualify(facts, model, t)
    stage = model.stage(facts.stage)
    exits = gates.exit_checks(facts, stage, t) if stage and stage.outcome == "open" else []
    eb, champ, th = q.eb, q.champion, q.threads
    return {
        "as_of": as_of,
        "deal": _head(facts, model),
        "level": q.verdict.level.value,
        "scorecard": q.scorecard.as_dict(),
        "disqualifiers": {
            "hard": [r.as_dict() for r in q.hard],
            "soft": [r.as_dict() for r in q.soft],
        },
        "meddpicc": q.meddpicc,
        "eb": {
            "name": eb.person.name if eb.person else None,
            "access": eb.access,
            "met": eb.met,
            "checklist": eb.checklist,
        },
        "champion": {
            "name": champ.person.name if champ.person else None,
            "chess": champ.chess,
            "strength": champ.strength,
            "inferred": champ.inferred,
            "dark_since": champ.dark_since,
        },
        "threads": {
            "engaged": th.engaged,
            "minimum": th.minimum,
            "single_threaded": th.single_threaded,
            "threads": [
                {
                    "name": x.person.name,
                    "role": x.person.role,
                    "engagement": x.person.engagement,
                    "score": x.score,
                    "quality": thread_quality(x.score, t),
                    "checks": x.checks,
                    "inferred": x.inferred,
                }
                for x in th.threads
            ],
        },
        "competition": q.competition.as_dict(),
        "risks": q.risks,
        "exit_criteria": [c.as_dict() for c in exits],
        "discount_requests": [
            r for r in discount_requests(session=session, deal_id=deal.id) if r["at"] <= as_of
        ],
        "aids": q.aids.as_dict(),
        "reasons": [r.as_dict() for r in q.verdict.reasons],
    }


def proposal_report(*, session: Session, deal: Deal, as_of: dt.datetime) -> dict[str, Any]:
    """What `dealplan proposal-ready` shows (QUAL-3)."""
    facts = deal_facts(session=session, deal=deal, as_of=as_of)
    model = stage_model(session=session)
    ready = gates.proposal_ready(facts, thresholds_for(session))
    return {"as_of": as_of, "deal": _head(facts, model), **ready.as_dict()}


def plan_type_report(*, session: Session, deal: Deal, as_of: dt.datetime) -> dict[str, Any]:
    """What `dealplan plan-type` shows (ACC-6), with the numbers behind the decision."""
    facts = deal_facts(session=session, deal=deal, as_of=as_of)
    model = stage_model(session=session)
    average, basis = average_acv(session=session, as_of=as_of.date())
    potentials = account_potentials(session=session, as_of=as_of.date())
    account_id = facts.account.id if facts.account else None
    decision = plan_type(
        facts,
        thresholds_for(session),
        average_acv=average,
        account_rank=rank_of(potentials, account_id),
        accounts=len(potentials),
    )
    out = {"as_of": as_of, "deal": _head(facts, model), **decision.as_dict()}
    out["numbers"]["average_acv_basis"] = basis
    return out


def tiers_report(*, session: Session, as_of: dt.datetime, days: int | None) -> dict[str, Any]:
    """What `dealplan tiers` shows (ACC-8): every account's tier and the time allocation."""
    t = thresholds_for(session)
    window = int(days if days is not None else t.get("tiers.window_days"))
    if window < 1:
        raise InputError("--days must be 1 or more")
    tiers = [tier_of(a, t) for a in account_potentials(session=session, as_of=as_of.date())]
    tiers.sort(key=lambda x: (x.tier, -x.account.potential, x.account.name))
    times = activity_times(
        session=session,
        start=as_of - dt.timedelta(days=window),
        end=as_of,
        kinds=list(t.get("tiers.activity_types")),
    )
    return {
        "as_of": as_of,
        "window_days": window,
        "accounts": [x.as_dict() for x in tiers],
        "counts": {n: sum(1 for x in tiers if x.tier == n) for n in (1, 2, 3, 4)},
        "allocation": allocation({x.account.id: x.tier for x in tiers}, times, t),
    }
