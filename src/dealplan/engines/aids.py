"""Discovery and negotiation aids (QUAL-11), chosen for the deal's stage and gaps.

Early stages get the discovery question bank; every stage gets the questions for the
MEDDPICC elements not yet validated and the personal-win questions for committee members with
no personal win; evaluation and late stages get objection responses; late stages the
pre-negotiation checklist (checked against the facts where a fact exists) and the trade table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from dealplan.engines.committee import EbReport
from dealplan.engines.facts import DealFacts
from dealplan.enums import Element
from dealplan.methodology import StageModel


@cache
def bank() -> dict[str, Any]:
    """The aids as shipped (methodology/aids.toml)."""
    text = (resources.files("dealplan.methodology") / "aids.toml").read_text("utf-8")
    return tomllib.loads(text)


def phase(model: StageModel, stage: str) -> str:
    """ "early", "mid", "late" or "closed" for a stage of `model`, by its probability.

    A stage the model does not know counts as early: nothing is assumed about it.
    """
    s = model.stage(stage)
    if s is None:
        return "early"
    if s.outcome != "open":
        return "closed"
    cut = bank()["phases"]
    if s.probability < cut["early_below"]:
        return "early"
    return "late" if s.probability >= cut["late_from"] else "mid"


@dataclass(frozen=True)
class Aids:
    phase: str
    discovery: dict[str, list[str]] = field(default_factory=dict)
    element_questions: list[dict[str, str]] = field(default_factory=list)
    personal_win: list[dict[str, Any]] = field(default_factory=list)
    eb_access_ask: str | None = None
    objections: list[dict[str, str]] = field(default_factory=list)
    principles: list[dict[str, Any]] = field(default_factory=list)
    pre_negotiation: list[dict[str, Any]] = field(default_factory=list)
    trades: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "discovery": self.discovery,
            "element_questions": self.element_questions,
            "personal_win": self.personal_win,
            "eb_access_ask": self.eb_access_ask,
            "objections": self.objections,
            "principles": self.principles,
            "pre_negotiation": self.pre_negotiation,
            "trades": self.trades,
        }


def _checks(facts: DealFacts, eb: EbReport) -> dict[str, bool]:
    cl = eb.checklist
    status = {e.value: facts.element(e.value).status for e in Element}
    return {
        "eb_knows_price": cl["knows_price"],
        "eb_agrees": eb.met and cl["agrees_problem"] and cl["agrees_metrics"],
        "budget_known": status["metrics"] == "validated" or cl["knows_price"],
        "paper_process_known": status["paper_process"] == "validated",
        "compelling_event": bool(facts.compelling_event),
        "competition_known": status["competition"] != "unknown" or bool(facts.competitor),
    }


def aids(facts: DealFacts, model: StageModel, *, eb: EbReport) -> Aids:
    """The aids that apply to the deal as it stands (`eb` from `scorecard.eb_report`)."""
    b = bank()
    where = phase(model, facts.stage)
    if where == "closed":
        return Aids(where)
    gaps = [
        {"element": e.value, "status": facts.element(e.value).status, "question": q}
        for e in Element
        if (q := b["element_questions"].get(e.value))
        and facts.element(e.value).status != "validated"
    ]
    no_win = [
        {"contact": p.name, "role": p.role, "questions": list(b["personal_win"])}
        for p in facts.committee
        if p.role and not (p.personal_win or p.professional_win)
    ]
    out: dict[str, Any] = {"element_questions": gaps}
    if where in ("early", "mid"):
        out["personal_win"] = no_win
    if where == "early":
        out["discovery"] = {k: list(v) for k, v in b["discovery"].items()}
    if not eb.met:
        out["eb_access_ask"] = b["eb_access_ask"]
    if where in ("mid", "late"):
        out["objections"] = [dict(o) for o in b["objections"]]
    if where == "late":
        checks = _checks(facts, eb)
        out["principles"] = [dict(p) for p in b["principles"]]
        out["pre_negotiation"] = [
            {"item": c["item"], "done": checks[c["check"]] if "check" in c else None}
            for c in b["pre_negotiation"]
        ]
        out["trades"] = [dict(t) for t in b["trades"]]
    return Aids(where, **out)
