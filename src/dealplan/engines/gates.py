"""Stage gates (QUAL-2) and proposal readiness (QUAL-3).

A deal leaves a stage only when the stage's exit criteria hold (engines/criteria.py judges
each). `check_gate` judges a stage change: forward moves must meet the exit criteria of every
stage left behind and the entry criteria of every stage entered; moving back, or to the lost
stage, needs no gate. "We demoed" is an activity, not a criterion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dealplan.engines import committee
from dealplan.engines.criteria import CRITERIA, Evidence
from dealplan.engines.facts import DealFacts
from dealplan.engines.scorecard import eb_report
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology import Stage, StageModel
from dealplan.methodology.thresholds import Thresholds


@dataclass(frozen=True)
class Check:
    """One criterion judged for one stage: `kind` is "exit" or "entry"."""

    key: str
    label: str
    stage: str
    kind: str
    met: bool
    evidence: Evidence
    action: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.key,
            "label": self.label,
            "stage": self.stage,
            "kind": self.kind,
            "met": self.met,
            "evidence": self.evidence,
            "action": self.action,
        }


def judge(f: DealFacts, t: Thresholds, key: str, stage: str, kind: str) -> Check:
    """Judge criterion `key` (KeyError for a criterion no predicate knows)."""
    c = CRITERIA[key]
    met, evidence = c.predicate(f, t)
    return Check(key, c.label, stage, kind, met, evidence, c.action)


def exit_checks(f: DealFacts, stage: Stage, t: Thresholds) -> list[Check]:
    """The exit criteria of `stage`, judged: what the deal needs before it may leave."""
    return [judge(f, t, k, stage.name, "exit") for k in stage.exit_criteria]


@dataclass(frozen=True)
class GateCheck:
    """A stage change judged: `direction` is forward, backward, lost, reopen or same."""

    from_stage: str
    to_stage: str
    direction: str
    checks: tuple[Check, ...]

    @property
    def unmet(self) -> list[Check]:
        return [c for c in self.checks if not c.met]

    @property
    def passed(self) -> bool:
        return not self.unmet

    @property
    def reasons(self) -> list[Reason]:
        return [
            Reason(
                "QUAL-2",
                f"gate_{c.key}",
                Level.RED,
                f"{c.stage} {c.kind} criterion not met: {c.label}",
                c.evidence,
                c.action,
            )
            for c in self.unmet
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.from_stage,
            "to": self.to_stage,
            "direction": self.direction,
            "passed": self.passed,
            "checks": [c.as_dict() for c in self.checks],
            "unmet": [c.key for c in self.unmet],
            "reasons": [r.as_dict() for r in self.reasons],
        }


def check_gate(f: DealFacts, model: StageModel, to_stage: str, t: Thresholds) -> GateCheck:
    """QUAL-2: judge moving the deal from its stage to `to_stage` (a stage of `model`).

    Forward: the exit criteria of every open stage from the current one up to (not
    including) the target, and the entry criteria of every stage entered. A deal in a stage
    the model does not know, or reopened from lost, is judged as if it started before the
    first stage. Backward moves and moves to the lost stage are never gated.
    """
    target = model.stage(to_stage)
    if target is None:
        raise KeyError(f"{to_stage!r} is not a stage of the {model.name} model")
    current = model.stage(f.stage)
    if current is not None and current.name == target.name:
        return GateCheck(f.stage, to_stage, "same", ())
    if target.outcome == "lost":
        return GateCheck(f.stage, to_stage, "lost", ())
    reopened = current is not None and current.outcome == "lost"
    if current is not None and not reopened and target.order < current.order:
        return GateCheck(f.stage, to_stage, "backward", ())
    start = -1 if current is None or reopened else current.order
    checks: list[Check] = []
    for s in model.stages:
        if s.outcome == "lost":
            continue
        if s.outcome == "open" and max(start, 0) <= s.order < target.order:
            checks += exit_checks(f, s, t)
        if start < s.order <= target.order:
            checks += [judge(f, t, k, s.name, "entry") for k in s.entry_criteria]
    return GateCheck(f.stage, to_stage, "reopen" if reopened else "forward", tuple(checks))


@dataclass(frozen=True)
class ProposalReadiness:
    """QUAL-3: the EB checklist, the decision tree and whether to send the proposal."""

    ready: bool
    access: str
    eb: str | None
    mandatory: bool
    checklist: tuple[dict[str, Any], ...]
    tree: tuple[dict[str, Any], ...]
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ready": self.ready,
            "decision": "send the proposal" if self.ready else "do not send the proposal yet",
            "eb": self.eb,
            "eb_access": self.access,
            "eb_meeting_mandatory": self.mandatory,
            "checklist": list(self.checklist),
            "decision_tree": list(self.tree),
            "reasons": [r.as_dict() for r in self.reasons],
        }


def proposal_ready(f: DealFacts, t: Thresholds) -> ProposalReadiness:
    """QUAL-3: send the proposal only when every EB checklist item holds.

    Meeting the EB is mandatory above `eb.mandatory_above` ($50K: $50,000 is not above it);
    below, an unmet EB is a warning. A champion who blocks EB access is a red flag and stops
    the proposal whatever else holds.
    """
    eb = eb_report(f, t)
    limit = float(t.get("eb.mandatory_above"))
    amount = f.amount or 0.0
    mandatory = amount > limit
    name = eb.person.name if eb.person else None
    rows = []
    reasons: list[Reason] = []
    for key, label in committee.EB_CHECKLIST:
        holds = eb.checklist[key]
        required = key != "met" or mandatory
        rows.append(
            {
                "item": key,
                "label": label,
                "holds": holds,
                "required": required,
                "source": "recorded"
                if key in f.eb_checklist
                else ("inferred" if holds or key in INFERABLE else "not recorded"),
            }
        )
        if holds:
            continue
        reasons.append(
            Reason(
                "QUAL-3",
                f"eb_{key}" if required else "eb_not_met_recommended",
                Level.RED if required else Level.YELLOW,
                f"EB checklist: {label}: no"
                + ("" if required else f" (mandatory only above ${limit:,.0f})"),
                {"eb": name, "amount": amount, "mandatory_above": limit, "access": eb.access},
                ASK if key in ("identified", "met") else "align with the EB before sending",
            )
        )
    blocked = eb.access == "blocked"
    if blocked:
        reasons.insert(
            0,
            Reason(
                "QUAL-3",
                "champion_blocks_eb",
                Level.RED,
                "red flag: the champion blocks access to the economic buyer: either they have "
                "no access (not a real champion) or fear the EB will kill the deal",
                {"eb": name, "access": eb.access},
                "push back: the EB should see the full value before seeing the price",
            ),
        )
    cl = eb.checklist
    met_ok = cl["met"] or not mandatory
    agrees = cl["agrees_problem"] and cl["agrees_metrics"]
    tree = [
        {
            "question": "Does the champion block access to the EB?",
            "answer": "yes" if blocked else "no",
            "then": "red flag: push back" if blocked else "continue",
        },
        {
            "question": "Have you met the Economic Buyer?",
            "answer": "yes" if cl["met"] else "no",
            "then": "continue" if met_ok else "don't send yet: get EB access first",
        },
        {
            "question": "Does the EB agree on the problem and success metrics?",
            "answer": "yes" if agrees else "no",
            "then": "send the proposal" if agrees else "align with the EB before sending",
        },
    ]
    ready = not blocked and all(r["holds"] for r in rows if r["required"])
    return ProposalReadiness(
        ready, eb.access, name, mandatory, tuple(rows), tuple(tree), tuple(reasons)
    )


INFERABLE = frozenset(
    {"identified", "met", "agrees_problem", "agrees_metrics", "understands_timeline"}
)
ASK = "ask the champion: 15 minutes with the EB to align on outcomes and timeline before pricing"
