"""Qualification (QUAL-4): the scorecard (engines/scorecard.py), hard and soft
disqualifiers, the MEDDPICC table with the seed's red flag per element (ACC-4) and the risks
table (ACC-5), assembled with EB access, CHESS, threads (engines/committee.py), competition
(QUAL-9) and the aids for the stage (QUAL-11) into one report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dealplan.engines import committee
from dealplan.engines.aids import Aids, aids, phase
from dealplan.engines.competition import Competition, Position, competition
from dealplan.engines.facts import DealFacts
from dealplan.engines.scorecard import (
    BANDS,
    Scorecard,
    eb_report,
    scorecard,
    signal,
    too_far,
)
from dealplan.engines.verdict import Level, Reason, Verdict
from dealplan.enums import Element
from dealplan.methodology import StageModel
from dealplan.methodology.thresholds import Thresholds

HARD = {
    "no_budget_no_path": "no budget and no path to one",
    "wrong_icp": "wrong ICP: the account is not a strategic fit",
    "champion_without_influence": "the champion has no influence",
    "long_timeline_no_event": "a 12+ month timeline with no compelling event",
    "competitor_selected": "a competitor is already selected",
}


def _hard(
    facts: DealFacts, t: Thresholds, eb: committee.EbReport, champ: committee.ChampionReport
) -> list[Reason]:
    acc = facts.account
    influence = champ.person.influence if champ.person else None
    inferred: dict[str, tuple[bool, dict[str, Any]]] = {
        "no_budget_no_path": (
            signal(facts, "budget_concern") and eb.person is None,
            {
                "budget_concern_signal": signal(facts, "budget_concern"),
                "eb": eb.person.name if eb.person else None,
            },
        ),
        "wrong_icp": (
            acc is not None and acc.strategic_fit is False,
            {
                "account": acc.name if acc else None,
                "strategic_fit": acc.strategic_fit if acc else None,
            },
        ),
        "champion_without_influence": (
            influence == "low",
            {"champion": champ.person.name if champ.person else None, "influence": influence},
        ),
        "long_timeline_no_event": (
            not facts.compelling_event and too_far(facts, t),
            {
                "close_date": facts.close_date,
                "max_months": t.get("scorecard.max_timeline_months"),
                "compelling_event": facts.compelling_event,
            },
        ),
        "competitor_selected": (False, {"competitor": facts.competitor}),
    }
    out = []
    for code, text in HARD.items():
        recorded = facts.disqualifiers.get(code)
        fired, evidence = inferred[code]
        if recorded is not None:
            fired, evidence = bool(recorded), {"recorded_by_seller": recorded, **evidence}
        if fired:
            out.append(
                Reason(
                    "QUAL-4",
                    code,
                    Level.RED,
                    f"hard disqualifier: {text}",
                    evidence,
                    "qualify out, or fix this before investing more time",
                )
            )
    return out


def _soft(
    facts: DealFacts,
    t: Thresholds,
    eb: committee.EbReport,
    champ: committee.ChampionReport,
    threads: committee.ThreadReport,
    comp: Competition,
    early: bool,
) -> list[Reason]:
    amount = facts.amount or 0
    pain = facts.element("identified_pain").status
    checks: list[tuple[str, bool, str, dict[str, Any], str]] = [
        (
            "no_compelling_event",
            not facts.compelling_event,
            "no compelling event: nothing forces a decision by a date",
            {},
            "ask what happens if they do nothing until next year",
        ),
        (
            "eb_not_met",
            not eb.met and amount > t.get("eb.mandatory_above"),
            "economic buyer not met on a deal where meeting them is mandatory",
            {"amount": amount, "mandatory_above": t.get("eb.mandatory_above")},
            "ask the champion for 15 minutes with the EB",
        ),
        (
            "single_threaded",
            threads.single_threaded,
            "single-threaded",
            {"engaged": threads.engaged},
            "meet two more stakeholders",
        ),
        (
            "no_champion",
            champ.person is None,
            "no champion",
            {},
            "find the person with the most to win",
        ),
        (
            "competition_unknown",
            comp.position is Position.UNKNOWN and not early,
            "competition unknown",
            {},
            "ask who else is being evaluated",
        ),
        (
            "pain_not_validated",
            pain != "validated" and not early,
            "pain not confirmed in the buyer's words: may be nice-to-have",
            {"identified_pain": pain},
            "ask what it costs them not to solve it",
        ),
        (
            "budget_concern",
            signal(facts, "budget_concern"),
            "the buyer raised budget concerns",
            {},
            "revisit the business case with the EB",
        ),
        (
            "close_date_passed",
            facts.outcome == "open"
            and facts.close_date is not None
            and facts.close_date < facts.today,
            "the close date has passed",
            {"close_date": facts.close_date},
            "agree a new date with the buyer, from their process",
        ),
    ]
    out = [
        Reason("QUAL-4", f"soft_{code}", Level.YELLOW, f"soft disqualifier: {text}", ev, act)
        for code, fired, text, ev, act in checks
        if fired
    ]
    out += [
        Reason(
            "QUAL-4",
            f"soft_{code}",
            Level.YELLOW,
            f"soft disqualifier recorded by the seller: {code.replace('_', ' ')}",
            {"recorded_by_seller": value},
        )
        for code, value in facts.disqualifiers.items()
        if code not in HARD and value
    ]
    return out


RED_FLAGS = {
    "metrics": "No quantified value",
    "economic_buyer": "EB not met",
    "decision_criteria": "Criteria unknown or changing",
    "decision_process": "No clear timeline",
    "paper_process": "Unknown paper blockers",
    "identified_pain": "Nice-to-have pain, not need",
    "champion": "No internal advocate",
    "competition": "Unknown alternatives",
}


def _flagged(facts: DealFacts, element: str, eb: committee.EbReport) -> bool:
    e = facts.element(element)
    match element:
        case "metrics":
            return e.status == "unknown" or not any(ch.isdigit() for ch in e.value or "")
        case "economic_buyer":
            return not eb.met
        case "decision_process":
            return e.status == "unknown" or facts.close_date is None
        case "identified_pain":
            return e.status != "validated"
        case "champion":
            return not facts.people("champion") and e.status != "validated"
        case "competition":
            return e.status == "unknown" and not facts.competitor
        case _:
            return e.status == "unknown"


def meddpicc_table(facts: DealFacts, eb: committee.EbReport) -> list[dict[str, Any]]:
    """ACC-4: each element's value, evidence, status, validator and the seed's red flag."""
    names = {p.id: p.name for p in facts.committee}
    rows = []
    for el in Element:
        e = facts.element(el.value)
        rows.append(
            {
                "element": el.value,
                "value": e.value,
                "evidence": e.evidence,
                "status": e.status,
                "validated_by": names.get(e.validated_by_id) if e.validated_by_id else None,
                "validated_on": e.validated_on,
                "red_flag": RED_FLAGS[el.value] if _flagged(facts, el.value, eb) else None,
            }
        )
    return rows


# Committee findings a soft disqualifier already reports.
COVERED = frozenset({"eb_not_met", "single_threaded", "competition_unknown"})


@dataclass(frozen=True)
class Qualification:
    scorecard: Scorecard
    hard: tuple[Reason, ...]
    soft: tuple[Reason, ...]
    meddpicc: list[dict[str, Any]]
    eb: committee.EbReport
    champion: committee.ChampionReport
    threads: committee.ThreadReport
    competition: Competition
    risks: list[dict[str, Any]]
    aids: Aids
    verdict: Verdict


def qualify(facts: DealFacts, model: StageModel, t: Thresholds) -> Qualification:
    """QUAL-4 with ACC-4, ACC-5, QUAL-3, QUAL-5, QUAL-6, QUAL-9 and QUAL-11 for one deal."""
    early = phase(model, facts.stage) == "early"
    eb = eb_report(facts, t)
    champ = committee.champion(facts, t)
    threads = committee.threads(facts, t)
    comp = competition(facts, early=early)
    card = scorecard(facts, t, eb=eb, champ=champ, comp=comp)
    hard = _hard(facts, t, eb, champ)
    soft = _soft(facts, t, eb, champ, threads, comp, early)
    table = meddpicc_table(facts, eb)
    flags = [
        Reason(
            "ACC-4",
            f"red_flag_{row['element']}",
            Level.YELLOW,
            f"{row['element'].replace('_', ' ')}: {row['red_flag']}",
            {"status": row["status"], "value": row["value"]},
        )
        for row in table
        if row["red_flag"] and not early
    ]
    band_reason = Reason(
        "QUAL-4",
        f"scorecard_{card.band}",
        {"strong": Level.GREEN, "work": Level.YELLOW, "qualify": Level.RED}[card.band],
        f"scorecard {card.total}/30: {BANDS[card.band].lower()}"
        + (f" (weak: {', '.join(card.weak)})" if card.weak else ""),
        {"total": card.total, "weak": list(card.weak)},
    )
    risks = [
        {
            "issue": r.issue,
            "mitigation": r.mitigation,
            "help_needed": r.help_needed,
            "responsible": r.responsible,
            "status": r.status,
        }
        for r in facts.risks
    ]
    overrides = [
        Reason(
            "QUAL-2",
            "gate_overridden",
            Level.YELLOW,
            f"stage inflation: moved {o.from_stage} -> {o.to_stage} on {o.at:%Y-%m-%d} past "
            f"unmet {', '.join(o.unmet) or 'criteria'}: {o.reason}",
            {"at": o.at, "actor": o.actor, "unmet": list(o.unmet), "reason": o.reason},
            "meet the criteria the gate skipped, or move the deal back",
        )
        for o in facts.overrides
    ]
    reasons = [
        band_reason,
        *hard,
        *soft,
        *flags,
        *overrides,
        *(
            r
            for r in (*eb.reasons, *champ.reasons, *threads.reasons, *comp.reasons)
            if r.code not in COVERED
        ),
    ]
    return Qualification(
        card,
        tuple(hard),
        tuple(soft),
        table,
        eb,
        champ,
        threads,
        comp,
        risks,
        aids(facts, model, eb=eb),
        Verdict.of(reasons),
    )
