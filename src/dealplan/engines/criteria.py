"""The criteria stage gates judge (QUAL-2): each rule key a stage model names is a predicate
here, judged from the deal's facts, returning whether it holds and the evidence it used.

Facts the seller recorded come first (the EB checklist, `poc_success_met`, MEDDPICC statuses);
where the workspace holds no such fact, the predicate reads the MAP (a completed "Sign the
order form" item) or dated signals, and says so. An activity alone is never a criterion.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from dealplan.engines.facts import DealFacts
from dealplan.engines.scorecard import all_scores, eb_report
from dealplan.methodology.thresholds import Thresholds

Evidence = dict[str, Any]
Predicate = Callable[[DealFacts, Thresholds], tuple[bool, Evidence]]


@dataclass(frozen=True)
class Criterion:
    """A named predicate: `rule` says how it is judged, `action` what to do when unmet."""

    key: str
    label: str
    rule: str
    action: str
    predicate: Predicate


CRITERIA: dict[str, Criterion] = {}


def criterion(key: str, label: str, rule: str, action: str) -> Callable[[Predicate], Predicate]:
    def register(fn: Predicate) -> Predicate:
        CRITERIA[key] = Criterion(key, label, rule, action, fn)
        return fn

    return register


@cache
def _evidence() -> dict[str, Any]:
    text = (resources.files("dealplan.methodology") / "gates.toml").read_text("utf-8")
    return tomllib.loads(text)


def _status(f: DealFacts, element: str) -> str:
    return f.element(element).status


def _items(f: DealFacts, group: str) -> tuple[list[str], list[str]]:
    """MAP items whose action names the `group`'s words: (complete, still open)."""
    words = _evidence()["map_evidence"][group]
    hits = [i for i in f.items if any(w in i.action.casefold() for w in words)]
    live = [i for i in hits if i.status != "cancelled"]
    return [i.action for i in live if i.status == "complete"], [i.action for i in live if i.open]


def _signals(f: DealFacts, group: str) -> list[str]:
    kinds = _evidence()["signals"][group]
    return [f"{s.type} {s.at:%Y-%m-%d}" for s in f.signals if s.type in kinds]


def _all_done(f: DealFacts, group: str) -> tuple[bool, Evidence]:
    done, still_open = _items(f, group)
    return bool(done) and not still_open, {"map_done": done, "map_open": still_open}


@criterion(
    "qualified_interest",
    "Qualified interest confirmed",
    "the pain is recorded (assumed or validated) and a buyer contact is warm or engaged",
    "hold a discovery conversation and record the pain they describe",
)
def qualified_interest(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    pain = _status(f, "identified_pain")
    warm = [p.name for p in f.committee if p.engagement in ("warm", "engaged")]
    return pain != "unknown" and bool(warm), {"identified_pain": pain, "warm_contacts": warm}


@criterion(
    "pain_identified",
    "Pain identified (confirmed in the buyer's words)",
    "the identified-pain element is validated",
    "get the pain confirmed by the buyer, in their words, and record who confirmed it",
)
def pain_identified(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    e = f.element("identified_pain")
    return e.status == "validated", {"identified_pain": e.status, "value": e.value}


@criterion(
    "stakeholders_mapped",
    "Stakeholders mapped",
    "at least threads.mapped_min contacts carry a buying-committee role",
    "map the committee: EB, champion, technical and user buyers, procurement, legal",
)
def stakeholders_mapped(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    mapped = [f"{p.name} ({p.role})" for p in f.committee if p.role]
    need = int(t.get("threads.mapped_min"))
    return len(mapped) >= need, {"mapped": mapped, "minimum": need}


@criterion(
    "champion_identified",
    "Champion identified",
    "a contact has the champion role, or the champion element is validated",
    "find the person with the most to win and test them with a small ask",
)
def champion_identified(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    names = [p.name for p in f.people("champion")]
    status = _status(f, "champion")
    return bool(names) or status == "validated", {"champions": names, "champion_element": status}


@criterion(
    "poc_success_met",
    "POC success criteria met",
    "the deal records that the POC's success criteria were met",
    "agree the POC success criteria in writing and record when they are met",
)
def poc_success_met(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return f.poc_success_met is True, {"poc_success_met": f.poc_success_met}


@criterion(
    "technical_validation",
    "Technical validation complete",
    "POC success criteria met; without a POC result, the decision criteria validated and a "
    "technical buyer engaged with high support",
    "run the technical validation against their decision criteria",
)
def technical_validation(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    if f.poc_success_met is not None:
        return f.poc_success_met, {"poc_success_met": f.poc_success_met}
    criteria = _status(f, "decision_criteria")
    tech = [
        p.name
        for p in f.people("technical_buyer")
        if p.engagement == "engaged" and p.support == "high"
    ]
    ok = criteria == "validated" and bool(tech)
    return ok, {"inferred": True, "decision_criteria": criteria, "technical_buyers": tech}


@criterion(
    "proposal_delivered",
    "Proposal delivered",
    "a proposal activity is logged, or a MAP item about the proposal is complete",
    "deliver the proposal, once the EB validation checklist holds",
)
def proposal_delivered(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    sent = [f"proposal {s.at:%Y-%m-%d}" for s in f.signals if s.type == "proposal"]
    done, _ = _items(f, "proposal")
    return bool(sent or done), {"proposal_activities": sent, "map_done": done}


def _eb_yes(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    recorded = f.eb_checklist.get("approved")
    if recorded is not None:
        return bool(recorded), {"approved_recorded": recorded}
    eb = eb_report(f, t)
    started = _signals(f, "paper_started")
    ok = all(eb.checklist.values()) and bool(started)
    return ok, {"inferred": True, "eb_checklist": eb.checklist, "paper_started": started}


@criterion(
    "eb_approved",
    "Economic buyer approved",
    "recorded as approved in the EB checklist; else inferred from the EB checklist complete "
    "and the buyer starting the paper process (procurement timeline, legal review)",
    "take the proposal through with the EB and ask for the decision",
)
def eb_approved(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _eb_yes(f, t)


@criterion(
    "verbal_commitment",
    "Verbal commitment",
    "the economic buyer said yes (as for eb_approved)",
    "ask the EB for the verbal commitment and the signature date",
)
def verbal_commitment(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _eb_yes(f, t)


def _paper_done(f: DealFacts) -> tuple[bool, Evidence]:
    paper = _status(f, "paper_process")
    done, evidence = _all_done(f, "paper")
    return paper == "validated" and done, {"paper_process": paper, **evidence}


@criterion(
    "approvals_secured",
    "Approvals secured",
    "the paper-process element is validated and every MAP item on legal, procurement and "
    "security is complete",
    "walk each approval step with procurement and legal; close the open MAP items",
)
def approvals_secured(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _paper_done(f)


@criterion(
    "legal_procurement_complete",
    "Legal and procurement complete",
    "as approvals_secured: paper process validated, legal/procurement MAP items complete",
    "finish legal and procurement review; close the open MAP items",
)
def legal_procurement_complete(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _paper_done(f)


@criterion(
    "cs_handoff",
    "Customer success handoff",
    "a MAP item on the handoff (CSM, onboarding plan, implementation kick-off) is complete",
    "name the CSM and hand over the deal's plan and personal wins",
)
def cs_handoff(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    done, still_open = _items(f, "handoff")
    return bool(done), {"map_done": done, "map_open": still_open}


@criterion(
    "icp_fit",
    "Lead meets ICP",
    "the account is recorded as a strategic fit",
    "check the account against the ICP and record its strategic fit",
)
def icp_fit(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    fit = f.account.strategic_fit if f.account else None
    return fit is True, {"strategic_fit": fit}


@criterion(
    "meeting_scheduled",
    "Meeting scheduled",
    "a meeting or next-meeting signal is logged, or the next step is dated today or later",
    "book the first meeting",
)
def meeting_scheduled(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    seen = _signals(f, "meeting")
    ahead = f.next_step_date is not None and f.next_step_date >= f.today
    return bool(seen) or ahead, {"meetings": seen[-3:], "next_step_date": f.next_step_date}


@criterion(
    "meeting_held",
    "Meeting held",
    "a meeting (or demo) with the account is logged",
    "hold the first meeting",
)
def meeting_held(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    held = [f"{s.type} {s.at:%Y-%m-%d}" for s in f.signals if s.type in ("meeting", "demo")]
    return bool(held), {"meetings": held[-3:]}


def _scores(f: DealFacts, t: Thresholds, names: tuple[str, ...], key: str) -> tuple[bool, Evidence]:
    need = int(t.get(key))
    card = all_scores(f, t)
    got = {n: card[n] for n in names}
    return all(v >= need for v in got.values()), {"scores": got, "minimum": need}


@criterion(
    "bant_qualified",
    "BANT qualified",
    "budget, authority, need and timeline each score at least scorecard.bant_min (QUAL-4)",
    "work the weakest of budget, authority, need and timeline (see `dealplan qualify`)",
)
def bant_qualified(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _scores(f, t, ("budget", "authority", "need", "timeline"), "scorecard.bant_min")


@criterion(
    "budget_range",
    "Budget range known",
    "the budget scores at least scorecard.bant_min (QUAL-4)",
    "ask for the budget range and who owns it",
)
def budget_range(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _scores(f, t, ("budget",), "scorecard.bant_min")


@criterion(
    "budget_approved",
    "Budget approved",
    "the budget scores at least scorecard.budget_approved_min: the EB met and knows the price",
    "confirm the budget with the EB before the proposal",
)
def budget_approved(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _scores(f, t, ("budget",), "scorecard.budget_approved_min")


@criterion(
    "technical_fit",
    "Technical fit",
    "the decision criteria are known (assumed or validated), or a technical buyer is engaged",
    "learn their technical requirements from the technical buyer",
)
def technical_fit(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    criteria = _status(f, "decision_criteria")
    tech = [p.name for p in f.people("technical_buyer") if p.engagement == "engaged"]
    return criteria != "unknown" or bool(tech), {
        "decision_criteria": criteria,
        "technical_buyers": tech,
    }


@criterion(
    "demo_delivered",
    "Demo delivered",
    "a demo activity is logged (on its own never enough: the stage also needs technical "
    "validation)",
    "demo against the pain and the decision criteria",
)
def demo_delivered(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    demos = [f"demo {s.at:%Y-%m-%d}" for s in f.signals if s.type == "demo"]
    return bool(demos), {"demos": demos[-3:]}


@criterion(
    "proposal_accepted",
    "Proposal accepted",
    "the proposal is delivered and the economic buyer approved it",
    "ask the EB for the decision on the proposal",
)
def proposal_accepted(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    sent, e1 = proposal_delivered(f, t)
    yes, e2 = _eb_yes(f, t)
    return sent and yes, {**e1, **e2}


@criterion(
    "terms_discussed",
    "Terms discussed",
    "the proposal is delivered, or the EB knows the price range",
    "discuss pricing and terms with the buyer",
)
def terms_discussed(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    sent, evidence = proposal_delivered(f, t)
    knows = eb_report(f, t).checklist["knows_price"]
    return sent or knows, {**evidence, "eb_knows_price": knows}


@criterion(
    "contract_agreed",
    "Contract agreed",
    "the paper-process element is validated and every MAP item on the contract (legal, MSA, "
    "DPA, terms) is complete",
    "close the contract redlines with legal",
)
def contract_agreed(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    paper = _status(f, "paper_process")
    done, evidence = _all_done(f, "legal")
    return paper == "validated" and done, {"paper_process": paper, **evidence}


@criterion(
    "contract_signed",
    "Contract signed",
    "a MAP item on the signature is complete",
    "get the order form signed",
)
def contract_signed(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    done, still_open = _items(f, "signature")
    return bool(done), {"map_done": done, "map_open": still_open}


@criterion(
    "payment_received",
    "Payment received",
    "a MAP item on the payment (invoice, purchase order) is complete",
    "confirm the payment terms and chase the first invoice",
)
def payment_received(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    done, still_open = _items(f, "payment")
    return bool(done), {"map_done": done, "map_open": still_open}


@criterion(
    "timeline_set",
    "Timeline set",
    "a close date is set and the decision process is known (assumed or validated)",
    "walk through their evaluation process and agree the dates",
)
def timeline_set(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    process = _status(f, "decision_process")
    ok = f.close_date is not None and process != "unknown"
    return ok, {"close_date": f.close_date, "decision_process": process}


@criterion(
    "requirements_defined",
    "Solution requirements defined",
    "the decision-criteria element is validated",
    "agree their must-haves vs nice-to-haves with the technical buyer",
)
def requirements_defined(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _status(f, "decision_criteria") == "validated", {
        "decision_criteria": _status(f, "decision_criteria")
    }


@criterion(
    "success_criteria_defined",
    "Success criteria defined",
    "the metrics element is validated",
    "agree how they will measure success, in numbers",
)
def success_criteria_defined(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    return _status(f, "metrics") == "validated", {"metrics": _status(f, "metrics")}


@criterion(
    "eb_engaged",
    "Economic buyer engaged",
    "the economic buyer has been met (EB checklist, validated EB element or EB attended)",
    "ask the champion for 15 minutes with the EB",
)
def eb_engaged(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    eb = eb_report(f, t)
    return eb.met, {"eb": eb.person.name if eb.person else None, "access": eb.access}


@criterion(
    "roi_accepted",
    "ROI accepted",
    "the metrics element is validated and the EB agrees on the success metrics",
    "take the ROI model through with the EB",
)
def roi_accepted(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    metrics = _status(f, "metrics")
    agrees = eb_report(f, t).checklist["agrees_metrics"]
    return metrics == "validated" and agrees, {"metrics": metrics, "eb_agrees_metrics": agrees}


@criterion(
    "commercial_terms_agreed",
    "Commercial terms agreed",
    "the EB knows the price and the buyer has started the paper process",
    "agree price and terms; trade, don't give",
)
def commercial_terms_agreed(f: DealFacts, t: Thresholds) -> tuple[bool, Evidence]:
    knows = eb_report(f, t).checklist["knows_price"]
    started = _signals(f, "paper_started")
    return knows and bool(started), {"eb_knows_price": knows, "paper_started": started}
