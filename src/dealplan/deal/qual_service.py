"""Qualification services: the methodology in force, stage changes through the gate (QUAL-2),
discount requests (QUAL-10), and the inputs of plan type (ACC-6) and tiers (ACC-8).

Every write happens inside `recording(...)`, so it is in history with who and when.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dealplan.deal.facts import facts_for
from dealplan.deal.models import Deal, DiscountRequest, GateOverride
from dealplan.engines import discount as discounts
from dealplan.engines import gates
from dealplan.engines.criteria import CRITERIA
from dealplan.engines.facts import DealFacts
from dealplan.errors import InputError, NotFoundError
from dealplan.history.service import recording
from dealplan.methodology import (
    MODELS,
    ModelError,
    StageModel,
    load_model,
    model_from_toml,
    resolve_stage,
)
from dealplan.methodology.thresholds import Thresholds, default_thresholds, with_overrides
from dealplan.plan.service import workspace_thresholds
from dealplan.workspace.service import (
    METHODOLOGY,
    get_setting,
    set_setting,
    stage_map,
    stage_model,
)

THRESHOLDS = "thresholds"


def threshold_overrides(*, session: Session) -> dict[str, Any]:
    """The workspace's threshold overrides, `{"section.key": value}`."""
    return dict(get_setting(session=session, key=THRESHOLDS, default={}) or {})


def thresholds_for(session: Session) -> Thresholds:
    """The thresholds in force: the shipped ones with the workspace's overrides (QUAL-1).

    Raises InputError when a stored override no longer fits the shipped thresholds.
    """
    return workspace_thresholds(session=session)


def parse_value(text: str) -> Any:
    """A threshold value typed on the command line: a TOML value (75000, 0.2, [1, 2],
    true, "text"), else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _num(t: Thresholds, key: str) -> float:
    return float(t.get(key))


def _ordered(t: Thresholds, keys: list[str]) -> list[str]:
    values = [_num(t, k) for k in keys]
    if all(a < b for a, b in pairwise(values)):
        return []
    return [" < ".join(keys) + " must increase: " + ", ".join(f"{v:g}" for v in values)]


def _between(t: Thresholds, key: str, low: float, high: float) -> list[str]:
    v = _num(t, key)
    return [] if low <= v <= high else [f"{key} must be from {low:g} to {high:g}, not {v:g}"]


def threshold_problems(t: Thresholds) -> list[str]:
    """What makes a set of thresholds unusable: tiers out of order, shares not adding up."""
    shares = list(t.get("tiers.time_share"))
    out = [
        *_ordered(t, ["discount.ae_max", "discount.manager_max", "discount.director_max"]),
        *_between(t, "discount.ae_max", 0, 100),
        *_between(t, "discount.director_max", 0, 100),
        *_ordered(t, ["scorecard.work_min", "scorecard.strong_min"]),
        *_between(t, "scorecard.strong_min", 6, 30),
        *_between(t, "scorecard.work_min", 6, 30),
        *_between(t, "scorecard.weak_max", 1, 5),
        *_between(t, "scorecard.bant_min", 1, 5),
        *_between(t, "scorecard.budget_approved_min", 1, 5),
        *_ordered(t, ["threads.moderate_min", "threads.strong_min"]),
        *_between(t, "threads.strong_min", 0, 5),
        *_ordered(t, ["tiers.tier3_min", "tiers.tier2_min", "tiers.tier1_min"]),
        *_between(t, "plan.top_share", 0.01, 1),
        *_between(t, "eb.mandatory_above", 0, 1e12),
        *_between(t, "plan.full_min_cycle_days", 0, 3650),
        *_between(t, "tiers.window_days", 1, 3650),
    ]
    if len(shares) != 4 or any(not isinstance(s, int | float) or s < 0 for s in shares):
        out.append("tiers.time_share must be four shares, one per tier")
    elif abs(sum(shares) - 1) > 0.001:
        out.append(f"tiers.time_share must add up to 1, not {sum(shares):g}")
    return out


def set_threshold(*, session: Session, key: str, value: Any) -> Thresholds:
    """Override threshold `key` (None resets it to the shipped value); returns those in force.

    Raises InputError naming the key or the value's problem; nothing is stored then.
    """
    overrides = threshold_overrides(session=session)
    try:
        shipped = default_thresholds().get(key)
    except KeyError as exc:
        raise InputError(f"{exc.args[0]}; `dealplan methodology show` lists them") from None
    if isinstance(shipped, dict):
        raise InputError(f"{key} is a table; set one of its keys, like {key}.<name>")
    if value is None:
        if key not in overrides:
            raise InputError(f"{key} is not overridden in this workspace")
        overrides.pop(key)
    else:
        overrides[key] = value
    try:
        t = with_overrides(overrides)
    except (KeyError, TypeError) as exc:
        raise InputError(str(exc.args[0])) from None
    problems = threshold_problems(t)
    if problems:
        raise InputError(f"{key} = {value!r} is refused", problems)
    set_setting(session=session, key=THRESHOLDS, value=overrides)
    return t


@dataclass(frozen=True)
class ModelChoice:
    model: StageModel
    shipped: bool
    stranded: dict[str, int]


def use_model(*, session: Session, name: str | None = None, text: str | None = None) -> ModelChoice:
    """Make a shipped model (`name`) or the model in TOML `text` the workspace's (QUAL-1).

    Raises InputError listing every problem of a model that cannot be used. `stranded`
    counts open deals in stages the new model does not have (map them with `stage-map`).
    """
    if name is not None:
        if name not in MODELS:
            raise InputError(f"no shipped model {name!r}; choose one of {', '.join(MODELS)}")
        model, stored = load_model(name), name
    else:
        try:
            model = model_from_toml(text or "", criteria=CRITERIA)
        except ModelError as exc:
            raise InputError(str(exc), exc.problems) from None
        if model.name in MODELS:
            raise InputError(
                f"a workspace model cannot be named like a shipped one ({model.name!r})"
            )
        stored = text or ""
    set_setting(session=session, key=METHODOLOGY, value=stored)
    rows = session.execute(
        select(Deal.stage, func.count()).where(Deal.outcome == "open").group_by(Deal.stage)
    )
    stranded = {stage: int(n) for stage, n in rows if model.stage(stage) is None}
    return ModelChoice(model, name is not None, stranded)


@dataclass(frozen=True)
class StageMove:
    """A stage change asked for: whether it moved, the gate's judgement, any override."""

    deal_id: int
    moved: bool
    check: gates.GateCheck
    override_id: int | None
    outcome: str
    closed_date: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "deal_id": self.deal_id,
            "moved": self.moved,
            "overridden": self.override_id is not None,
            "override_id": self.override_id,
            "outcome": self.outcome,
            "closed_date": self.closed_date,
            **self.check.as_dict(),
        }


def deal_facts(*, session: Session, deal: Deal, as_of: dt.datetime) -> DealFacts:
    """The engines' facts of `deal` at `as_of`; NotFoundError before it existed."""
    session.flush()
    facts = facts_for(session, deal_id=deal.id, as_of=as_of)
    if facts is None:
        raise NotFoundError(f"deal {deal.id} did not exist yet on {as_of:%Y-%m-%d %H:%M}")
    return facts


def change_stage(
    *,
    session: Session,
    deal: Deal,
    stage: str,
    actor: str,
    at: dt.datetime,
    override: str | None = None,
) -> StageMove:
    """Move `deal` to `stage` through the gate (QUAL-2).

    A forward move whose criteria fail does not happen (`moved` False) unless `override`
    gives a reason: then it moves and a GateOverride records the reason and the unmet
    criteria. Closed Won and Closed Lost set the outcome and the closed date; a move back to
    an open stage reopens the deal. Raises InputError for an unknown or the current stage.
    """
    model = stage_model(session=session)
    target = resolve_stage(model, stage, stage_map(session=session))
    # A stage mapping made under another model may point at a stage this one lacks.
    into = model.stage(target) if target is not None else None
    if target is None or into is None:
        raise InputError(
            f"{stage!r} is not a stage of the {model.name} model; its stages are: "
            + ", ".join(model.names)
        )
    if override is not None and not override.strip():
        raise InputError("--override needs a reason")
    check = gates.check_gate(
        deal_facts(session=session, deal=deal, as_of=at), model, target, thresholds_for(session)
    )
    if check.direction == "same":
        raise InputError(f"deal {deal.id} is already in {target}")
    if not check.passed and override is None:
        return StageMove(deal.id, False, check, None, deal.outcome, deal.closed_date)
    outcome = into.outcome
    row: GateOverride | None = None
    with recording(session, actor=actor, at=at):
        if not check.passed:
            row = GateOverride(
                deal_id=deal.id,
                from_stage=deal.stage,
                to_stage=target,
                reason=(override or "").strip(),
                unmet=[c.key for c in check.unmet],
                actor=actor,
                at=at,
            )
            session.add(row)
        deal.stage = target
        deal.stage_date = at.date()
        if outcome != deal.outcome:
            deal.outcome = outcome
            deal.closed_date = at.date() if outcome != "open" else None
            if outcome != "open":
                deal.forecast_category = "closed"
            elif deal.forecast_category == "closed":
                deal.forecast_category = "pipeline"
        session.flush()
    override_id = row.id if row is not None else None
    return StageMove(deal.id, True, check, override_id, deal.outcome, deal.closed_date)


def request_discount(
    *,
    session: Session,
    deal: Deal,
    percent: float,
    reason: str,
    fields: Mapping[str, str | None],
    actor: str,
    at: dt.datetime,
) -> tuple[discounts.Routing, DiscountRequest | None]:
    """Route a discount (QUAL-10) and record it; a refused request is not stored."""
    if not reason.strip():
        raise InputError("--reason is required: why does the buyer need this discount?")
    try:
        routing = discounts.route(percent, dict(fields), thresholds_for(session))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if not routing.accepted:
        return routing, None
    with recording(session, actor=actor, at=at):
        row = DiscountRequest(
            deal_id=deal.id,
            percent=percent,
            approver=routing.approver.value,
            reason=reason.strip(),
            justification=fields.get("justification"),
            quid_pro_quo=fields.get("quid_pro_quo"),
            executive_sponsor=fields.get("executive_sponsor"),
            business_case=fields.get("business_case"),
            status=routing.status,
            requested_by=actor,
            at=at,
        )
        session.add(row)
        session.flush()
    return routing, row


def discount_requests(*, session: Session, deal_id: int) -> list[dict[str, Any]]:
    """The discount requests recorded on a deal, oldest first."""
    q = select(DiscountRequest).where(DiscountRequest.deal_id == deal_id)
    return [
        {
            "id": r.id,
            "at": r.at,
            "percent": r.percent,
            "approver": r.approver,
            "status": r.status,
            "reason": r.reason,
            "justification": r.justification,
            "quid_pro_quo": r.quid_pro_quo,
            "executive_sponsor": r.executive_sponsor,
            "business_case": r.business_case,
            "requested_by": r.requested_by,
        }
        for r in session.scalars(q.order_by(DiscountRequest.at, DiscountRequest.id))
    ]
