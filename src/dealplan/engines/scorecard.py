"""The qualification scorecard (QUAL-4): Budget, Authority, Need, Timeline, Champion and
Competition scored 1-5, total /30: 25-30 strong, 18-24 work on weak areas, under 18 needs more
qualification.

The seller's scores in `deal.scorecard` win; every criterion the seller did not score is
derived from evidence (MEDDPICC statuses, the committee, the EB checklist, signals) and says
so. Deriving is monotone: validating an element never lowers a score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from dealplan.engines import committee
from dealplan.engines.competition import Competition, Position, competition
from dealplan.engines.facts import DealFacts
from dealplan.methodology.thresholds import Thresholds

CRITERIA = ("budget", "authority", "need", "timeline", "champion", "competition")


@dataclass(frozen=True)
class Score:
    criterion: str
    score: int
    source: str  # "seller" or "derived"
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "score": self.score,
            "source": self.source,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Scorecard:
    scores: tuple[Score, ...]
    band: str
    weak: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(s.score for s in self.scores)

    def score(self, criterion: str) -> int:
        return next(s.score for s in self.scores if s.criterion == criterion)

    def as_dict(self) -> dict[str, Any]:
        return {
            "criteria": [s.as_dict() for s in self.scores],
            "total": self.total,
            "max": 5 * len(CRITERIA),
            "band": self.band,
            "band_label": BANDS[self.band],
            "weak": list(self.weak),
        }


BANDS = {
    "strong": "Strong opportunity",
    "work": "Work on weak areas",
    "qualify": "Needs more qualification",
}


def band(total: int, t: Thresholds) -> str:
    """QUAL-4: 25-30 strong, 18-24 work on weak areas, under 18 needs more qualification."""
    if total >= t.get("scorecard.strong_min"):
        return "strong"
    return "work" if total >= t.get("scorecard.work_min") else "qualify"


def eb_report(facts: DealFacts, t: Thresholds) -> committee.EbReport:
    """QUAL-3 EB access (engines/committee.py) with the checklist items the seller did not
    record inferred from evidence: the EB agrees on the problem, the success metrics or the
    timeline when they validated the pain, the metrics or the decision process themselves.
    The price range is never inferred: only the seller knows what the EB was told."""
    eb = committee.eb_access(facts, t)
    if eb.person is None:
        return eb
    by_eb = {
        "agrees_problem": "identified_pain",
        "agrees_metrics": "metrics",
        "understands_timeline": "decision_process",
    }
    checklist = dict(eb.checklist)
    for item, element in by_eb.items():
        e = facts.element(element)
        if item not in facts.eb_checklist:
            checklist[item] = e.status == "validated" and e.validated_by_id == eb.person.id
    return replace(eb, checklist=checklist)


def signal(facts: DealFacts, kind: str) -> bool:
    return any(s.type == kind for s in facts.signals)


def _highest(levels: list[tuple[bool, int]]) -> int:
    return max([1] + [score for ok, score in levels if ok])


def _budget(facts: DealFacts, eb: committee.EbReport) -> tuple[int, dict[str, Any]]:
    metrics = facts.element("metrics").status
    cl = eb.checklist
    score = _highest(
        [
            (metrics != "unknown" or eb.person is not None, 2),
            (metrics == "validated" or cl["knows_price"], 3),
            (eb.met and cl["knows_price"], 4),
            (eb.met and cl["knows_price"] and cl["agrees_metrics"], 5),
        ]
    )
    concern = signal(facts, "budget_concern")
    if concern:
        score = min(score, 2)
    return score, {
        "metrics": metrics,
        "eb_met": eb.met,
        "eb_knows_price": cl["knows_price"],
        "eb_agrees_metrics": cl["agrees_metrics"],
        "budget_concern_signal": concern,
    }


def _authority(facts: DealFacts, eb: committee.EbReport) -> tuple[int, dict[str, Any]]:
    status = facts.element("economic_buyer").status
    score = _highest(
        [
            (eb.person is not None or status != "unknown", 2),
            (eb.access == "champion_mediated", 3),
            (eb.met, 4),
            (eb.met and all(eb.checklist.values()), 5),
        ]
    )
    if eb.access == "blocked":
        score = 1
    return score, {
        "eb": eb.person.name if eb.person else None,
        "eb_element": status,
        "access": eb.access,
        "met": eb.met,
        "checklist_complete": all(eb.checklist.values()),
    }


def _need(facts: DealFacts) -> tuple[int, dict[str, Any]]:
    pain = facts.element("identified_pain").status
    metrics = facts.element("metrics").status
    event = bool(facts.compelling_event)
    score = _highest(
        [
            (pain != "unknown", 2),
            (pain != "unknown" and event, 3),
            (pain == "validated", 4),
            (pain == "validated" and (metrics == "validated" or event), 5),
        ]
    )
    return score, {"identified_pain": pain, "metrics": metrics, "compelling_event": event}


def _timeline(facts: DealFacts, t: Thresholds) -> tuple[int, dict[str, Any]]:
    process = facts.element("decision_process").status
    paper = facts.element("paper_process").status
    event = bool(facts.compelling_event)
    dated = facts.close_date is not None
    score = _highest(
        [
            (dated, 2),
            (dated and process != "unknown", 3),
            (dated and (process == "validated" or event), 4),
            (dated and process == "validated" and (event or paper == "validated"), 5),
        ]
    )
    past = dated and facts.outcome == "open" and facts.close_date < facts.today  # type: ignore[operator]
    far = dated and not event and too_far(facts, t)
    if past or far:
        score = min(score, 2)
    return score, {
        "close_date": facts.close_date,
        "decision_process": process,
        "paper_process": paper,
        "compelling_event": event,
        "close_date_passed": past,
        "beyond_max_months": far,
    }


def too_far(facts: DealFacts, t: Thresholds) -> bool:
    """The close date is `scorecard.max_timeline_months` (12) months away or more."""
    if facts.close_date is None:
        return False
    months = int(t.get("scorecard.max_timeline_months"))
    y, m = divmod(facts.today.month - 1 + months, 12)
    year, month = facts.today.year + y, m + 1
    limit = dt.date(year, month, min(facts.today.day, _days_in(year, month)))
    return facts.close_date >= limit


def _days_in(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _champion(facts: DealFacts, champ: committee.ChampionReport) -> tuple[int, dict[str, Any]]:
    status = facts.element("champion").status
    score = _highest(
        [
            (status != "unknown", 2),
            (champ.person is not None, max(2, champ.strength)),
            (status == "validated", 3),
        ]
    )
    if champ.dark_since is not None:
        score = min(score, 2)
    return score, {
        "champion": champ.person.name if champ.person else None,
        "chess_strength": champ.strength,
        "chess_inferred": champ.inferred,
        "champion_element": status,
        "dark_since": champ.dark_since,
    }


def _competition(facts: DealFacts, comp: Competition) -> tuple[int, dict[str, Any]]:
    status = facts.element("competition").status
    favourable = comp.position is Position.INCUMBENT or (
        comp.type is not None and comp.type.value == "do_nothing"
    )
    score = _highest(
        [
            (True, 2),
            (comp.position is not Position.UNKNOWN, 3),
            (status == "validated", 4),
            (status == "validated" and favourable, 5),
        ]
    )
    selected = bool(facts.disqualifiers.get("competitor_selected"))
    late_rival = signal(facts, "competitor_after_win")
    if selected:
        score = 1
    elif late_rival:
        score = min(score, 2)
    return score, {
        "position": comp.position.value,
        "competitor": comp.competitor,
        "competition_element": status,
        "competitor_selected": selected,
        "competitor_after_win_signal": late_rival,
    }


def scorecard(
    facts: DealFacts,
    t: Thresholds,
    *,
    eb: committee.EbReport,
    champ: committee.ChampionReport,
    comp: Competition,
) -> Scorecard:
    """QUAL-4: six criteria 1-5; the seller's valid scores win, the rest are derived."""
    derived = {
        "budget": _budget(facts, eb),
        "authority": _authority(facts, eb),
        "need": _need(facts),
        "timeline": _timeline(facts, t),
        "champion": _champion(facts, champ),
        "competition": _competition(facts, comp),
    }
    scores: list[Score] = []
    for c in CRITERIA:
        given = facts.scorecard.get(c)
        score, evidence = derived[c]
        if isinstance(given, int) and not isinstance(given, bool) and 1 <= given <= 5:
            scores.append(Score(c, given, "seller", {"derived": score, **evidence}))
        else:
            if given is not None:
                evidence = {**evidence, "ignored_seller_score": given}
            scores.append(Score(c, score, "derived", evidence))
    total = sum(s.score for s in scores)
    weak = tuple(s.criterion for s in scores if s.score <= t.get("scorecard.weak_max"))
    return Scorecard(tuple(scores), band(total, t), weak)


def all_scores(facts: DealFacts, t: Thresholds) -> dict[str, int]:
    """Each criterion's score, the seller's or derived (for gates such as "BANT qualified")."""
    eb = eb_report(facts, t)
    champ = committee.champion(facts, t)
    comp = competition(facts, early=True)
    card = scorecard(facts, t, eb=eb, champ=champ, comp=comp)
    return {s.criterion: s.score for s in card.scores}
