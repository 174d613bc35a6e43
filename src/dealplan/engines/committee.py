"""The buying committee: EB access (QUAL-3), threads (QUAL-5) and the champion (QUAL-6).

Facts a seller recorded win; where a field was never filled, the engines infer from what
the workspace does know (committee roles, engagement, MEDDPICC status, dated signals), and
say so in the evidence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dealplan.engines.facts import DealFacts, Person
from dealplan.engines.verdict import Level, Reason
from dealplan.methodology.thresholds import Thresholds

THREAD_CHECKS = ("relevance", "access", "engagement", "support", "information")
CHESS = ("credibility", "hunger", "engagement", "savvy", "sponsorship")
CHESS_RED_FLAGS = {
    "credibility": "champion lacks credibility: others do not listen to them",
    "hunger": "champion is not hungry: nothing personal rides on this",
    "engagement": "champion is not engaged: slow to answer, skips meetings",
    "savvy": "champion is not savvy about how their company buys",
    "sponsorship": "champion will not sponsor: no internal selling on our behalf",
}
EB_ACCESS = ("direct", "champion_mediated", "unknown", "blocked")


def is_engaged(p: Person) -> bool:
    return p.engagement == "engaged"


@dataclass(frozen=True)
class Thread:
    person: Person
    checks: dict[str, bool]
    inferred: bool

    @property
    def score(self) -> int:
        return sum(self.checks.values())


def thread_quality(score: int, t: Thresholds) -> str:
    """QUAL-5: 4-5 strong, 2-3 moderate, 0-1 weak."""
    if score >= t.get("threads.strong_min"):
        return "strong"
    if score >= t.get("threads.moderate_min"):
        return "moderate"
    return "weak"


def thread_of(p: Person) -> Thread:
    """The five thread checks of a contact: as recorded, else inferred from the contact."""
    if p.thread_checks:
        return Thread(p, {c: bool(p.thread_checks.get(c)) for c in THREAD_CHECKS}, False)
    inferred = {
        "relevance": p.role is not None,
        "access": (p.relationship_depth or 0) >= 3,
        "engagement": is_engaged(p),
        "support": p.support == "high",
        "information": (p.relationship_depth or 0) >= 4,
    }
    return Thread(p, inferred, True)


@dataclass(frozen=True)
class ThreadReport:
    engaged: int
    minimum: int
    threads: tuple[Thread, ...]
    reasons: tuple[Reason, ...]

    @property
    def single_threaded(self) -> bool:
        return self.engaged <= 1


def threads(facts: DealFacts, t: Thresholds) -> ThreadReport:
    """QUAL-5: engaged threads against the stage's minimum; single-threading flagged."""
    engaged = [p for p in facts.committee if is_engaged(p)]
    minimum = int(t["threads"]["minimum_by_stage"].get(facts.stage, 1))
    reasons: list[Reason] = []
    names = [p.name for p in engaged]
    if len(engaged) <= 1:
        reasons.append(
            Reason(
                "QUAL-5",
                "single_threaded",
                Level.RED,
                f"single-threaded: {len(engaged)} engaged contact"
                f"{'' if len(engaged) == 1 else 's'}" + (f" ({names[0]})" if names else ""),
                {"engaged": names, "committee": len(facts.committee)},
                "map the committee and ask your contact to introduce two more stakeholders",
            )
        )
    elif len(engaged) < minimum:
        reasons.append(
            Reason(
                "QUAL-5",
                "too_few_threads",
                Level.YELLOW,
                f"{len(engaged)} engaged threads; {facts.stage} needs at least {minimum}",
                {"engaged": names, "minimum": minimum, "stage": facts.stage},
                "multi-thread: meet the roles still missing from the committee",
            )
        )
    roles = {p.role for p in engaged}
    if facts.stage in ("Proposal", "Paper Process") and not roles & {"procurement", "legal"}:
        reasons.append(
            Reason(
                "QUAL-5",
                "no_procurement_thread",
                Level.YELLOW,
                "proposal stage without procurement or legal engaged",
                {"engaged_roles": sorted(r for r in roles if r)},
                "ask the champion who runs procurement and legal review, and meet them",
            )
        )
    return ThreadReport(
        len(engaged), minimum, tuple(thread_of(p) for p in facts.committee), tuple(reasons)
    )


@dataclass(frozen=True)
class EbReport:
    """QUAL-3: who the EB is, whether met, the access level and the checklist."""

    person: Person | None
    access: str
    met: bool
    checklist: dict[str, bool]
    reasons: tuple[Reason, ...]


EB_CHECKLIST = (
    ("identified", "EB identified (name, title, confirmed by the champion)"),
    ("met", "EB met (video call at least)"),
    ("agrees_problem", "EB agrees on the problem, in their words"),
    ("agrees_metrics", "EB agrees on the success metrics"),
    ("knows_price", "EB knows the price range"),
    ("understands_timeline", "EB understands the timeline"),
)


def eb_access(facts: DealFacts, t: Thresholds) -> EbReport:
    """QUAL-3: the EB's access level (direct, champion_mediated, unknown, blocked)."""
    ebs = facts.people("economic_buyer")
    eb = ebs[0] if ebs else None
    element = facts.element("economic_buyer")
    attended = any(s.type == "eb_attends" for s in facts.signals)
    recorded = {k: bool(v) for k, v in facts.eb_checklist.items()}
    met = recorded.get("met", element.status == "validated" or attended)
    checklist = {
        "identified": recorded.get("identified", eb is not None),
        "met": met,
        "agrees_problem": recorded.get("agrees_problem", False),
        "agrees_metrics": recorded.get("agrees_metrics", False),
        "knows_price": recorded.get("knows_price", False),
        "understands_timeline": recorded.get("understands_timeline", False),
    }
    if facts.eb_access in EB_ACCESS:
        access = str(facts.eb_access)
    elif eb is not None and met:
        access = "direct"
    elif eb is not None and facts.people("champion"):
        access = "champion_mediated"
    else:
        access = "unknown"
    reasons: list[Reason] = []
    amount = facts.amount or 0
    mandatory = amount > t.get("eb.mandatory_above")
    if access == "blocked":
        reasons.append(
            Reason(
                "QUAL-3",
                "eb_blocked",
                Level.RED,
                "the champion blocks access to the economic buyer",
                {"eb": eb.name if eb else None},
                "push back: ask for 15 minutes with the EB to align on outcomes before pricing",
            )
        )
    elif not met and mandatory:
        reasons.append(
            Reason(
                "QUAL-3",
                "eb_not_met",
                Level.RED if facts.stage in LATE_STAGES else Level.YELLOW,
                f"economic buyer never met on a ${amount:,.0f} deal (mandatory above "
                f"${t.get('eb.mandatory_above'):,.0f})",
                {
                    "eb": eb.name if eb else None,
                    "access": access,
                    "amount": amount,
                    "eb_element": element.status,
                },
                "ask the champion for a 15-minute alignment call with the EB before pricing",
            )
        )
    return EbReport(eb, access, met, checklist, tuple(reasons))


LATE_STAGES = frozenset(
    {
        "Proposal",
        "Paper Process",
        "Negotiation",
        "Close",
        "Validation",
    }
)


@dataclass(frozen=True)
class ChampionReport:
    person: Person | None
    chess: dict[str, bool]
    inferred: bool
    dark_since: dt.date | None
    reasons: tuple[Reason, ...]

    @property
    def strength(self) -> int:
        return sum(self.chess.values())


def champion(facts: DealFacts, t: Thresholds) -> ChampionReport:
    """QUAL-6: the champion's CHESS, each missing element a red flag; going dark is danger."""
    people = facts.people("champion")
    if not people:
        return ChampionReport(
            None,
            {},
            False,
            None,
            (
                Reason(
                    "QUAL-6",
                    "no_champion",
                    Level.YELLOW if facts.stage in EARLY else Level.RED,
                    "no champion identified: nobody is selling for you inside",
                    {"stage": facts.stage},
                    "find the person with the most to win and test them with a small ask",
                ),
            ),
        )
    p = people[0]
    if p.chess:
        chess = {c: bool(p.chess.get(c)) for c in CHESS}
        inferred = False
    else:
        chess = {
            "credibility": p.influence == "high",
            "hunger": bool(p.personal_win or p.professional_win),
            "engagement": is_engaged(p),
            "savvy": (p.relationship_depth or 0) >= 4,
            "sponsorship": p.support == "high",
        }
        inferred = True
    reasons = [
        Reason(
            "QUAL-6",
            f"chess_{c}",
            Level.YELLOW,
            CHESS_RED_FLAGS[c],
            {"champion": p.name, "inferred": inferred},
        )
        for c in CHESS
        if not chess[c]
    ]
    dark_since = _dark_since(facts, p, t)
    if dark_since is not None:
        reasons.append(
            Reason(
                "QUAL-6",
                "champion_dark",
                Level.RED,
                f"champion {p.name} has gone dark since {dark_since.isoformat()}",
                {"champion": p.name, "last_heard": dark_since.isoformat()},
                f"call {p.name} directly; if no answer this week, reach the EB or another thread",
            )
        )
    return ChampionReport(p, chess, inferred, dark_since, tuple(reasons))


EARLY = frozenset({"Pipeline Generation", "Discovery", "Prospect", "Scoping"})


def _dark_since(facts: DealFacts, p: Person, t: Thresholds) -> dt.date | None:
    """When the champion was last heard from, if that is long enough ago to call dark."""
    theirs = [s.at for s in facts.signals if s.contact_id == p.id and s.type != "champion_dark"]
    theirs += [e.at for e in facts.map_events if e.side == "buyer" and p.name in e.actor]
    flagged = [s.at for s in facts.signals if s.type == "champion_dark"]
    last = max(theirs, default=None)
    if flagged and (last is None or max(flagged) > last):
        return (last or max(flagged)).date()
    if last is None:
        return None
    days = (facts.as_of - last).days
    return last.date() if days > t.get("health.champion_dark_days") else None
