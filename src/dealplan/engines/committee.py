"""The buying committee: EB access (QUAL-3), threads (QUAL-5) and the champion (QUAL-6).

Facts a seller recorded win; where a field was never filled, the engines infer from what
the workspace does know (committee roles, engagement, MEDDPICC status, dated signals), and
say so in the evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from dealplan.engines import health_decide as decide
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
EB_ACCESS = decide.EB_ACCESS


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
    minimum, reasons = thread_reasons(
        [p.name for p in engaged],
        len(facts.committee),
        {p.role for p in engaged if p.role},
        facts.stage,
        t,
    )
    return ThreadReport(
        len(engaged), minimum, tuple(thread_of(p) for p in facts.committee), tuple(reasons)
    )


def thread_reasons(
    names: Sequence[str], committee: int, roles: Set[str], stage: str, t: Thresholds
) -> tuple[int, list[Reason]]:
    """QUAL-5 on the engaged contacts' `names` and `roles`: the stage's minimum, reasons
    (decided by `health_decide.thread_codes`)."""
    minimum = decide.thread_minimum(stage, t)
    reasons: list[Reason] = []
    n = len(names)
    for code, level in decide.thread_codes(n, roles, stage, t):
        if code == "single_threaded":
            reasons.append(
                Reason(
                    "QUAL-5",
                    code,
                    level,
                    f"single-threaded: {n} engaged contact"
                    f"{'' if n == 1 else 's'}" + (f" ({names[0]})" if names else ""),
                    {"engaged": list(names), "committee": committee},
                    "map the committee and ask your contact to introduce two more stakeholders",
                )
            )
        elif code == "too_few_threads":
            reasons.append(
                Reason(
                    "QUAL-5",
                    code,
                    level,
                    f"{n} engaged threads; {stage} needs at least {minimum}",
                    {"engaged": list(names), "minimum": minimum, "stage": stage},
                    "multi-thread: meet the roles still missing from the committee",
                )
            )
        else:
            reasons.append(
                Reason(
                    "QUAL-5",
                    code,
                    level,
                    "proposal stage without procurement or legal engaged",
                    {"engaged_roles": sorted(roles)},
                    "ask the champion who runs procurement and legal review, and meet them",
                )
            )
    return minimum, reasons


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
    access, met, checklist, reasons = eb_rules(
        eb.name if eb else None,
        facts.element("economic_buyer").status,
        any(s.type == "eb_attends" for s in facts.signals),
        {k: bool(v) for k, v in facts.eb_checklist.items()},
        facts.eb_access,
        bool(facts.people("champion")),
        facts.amount,
        facts.stage,
        t,
    )
    return EbReport(eb, access, met, checklist, tuple(reasons))


def eb_rules(
    eb: str | None,
    element: str,
    attended: bool,
    recorded: Mapping[str, bool],
    eb_access: str | None,
    has_champion: bool,
    amount: float | None,
    stage: str,
    t: Thresholds,
) -> tuple[str, bool, dict[str, bool], list[Reason]]:
    """QUAL-3 on plain values: the access level, whether met, the checklist, the reasons.

    `eb` is the EB's name (None if nobody is), `element` the MEDDPICC economic_buyer status,
    `attended` whether an "EB attends" signal was logged, `recorded` the checklist as kept.
    """
    met = decide.eb_met(recorded.get("met"), element, attended)
    checklist = {
        "identified": recorded.get("identified", eb is not None),
        "met": met,
        "agrees_problem": recorded.get("agrees_problem", False),
        "agrees_metrics": recorded.get("agrees_metrics", False),
        "knows_price": recorded.get("knows_price", False),
        "understands_timeline": recorded.get("understands_timeline", False),
    }
    access = decide.eb_access_level(eb_access, eb is not None, met, has_champion)
    reasons: list[Reason] = []
    value = amount or 0
    for code, level in decide.eb_codes(access, met, decide.eb_mandatory(amount, t), stage):
        if code == "eb_blocked":
            reasons.append(
                Reason(
                    "QUAL-3",
                    code,
                    level,
                    "the champion blocks access to the economic buyer",
                    {"eb": eb},
                    "push back: ask for 15 minutes with the EB to align on outcomes before pricing",
                )
            )
        else:
            reasons.append(
                Reason(
                    "QUAL-3",
                    code,
                    level,
                    f"economic buyer never met on a ${value:,.0f} deal (mandatory above "
                    f"${t.get('eb.mandatory_above'):,.0f})",
                    {"eb": eb, "access": access, "amount": value, "eb_element": element},
                    "ask the champion for a 15-minute alignment call with the EB before pricing",
                )
            )
    return access, met, checklist, reasons


LATE_STAGES = decide.LATE_STAGES


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
        return ChampionReport(None, {}, False, None, (no_champion(facts.stage),))
    p = people[0]
    chess, inferred = chess_of(p)
    heard, flagged = champion_heard(facts, p)
    dark, reasons = champion_rules(p.name, chess, inferred, heard, flagged, facts.as_of, t)
    return ChampionReport(p, chess, inferred, dark, tuple(reasons))


def no_champion(stage: str) -> Reason:
    return Reason(
        "QUAL-6",
        "no_champion",
        decide.no_champion_level(stage),
        "no champion identified: nobody is selling for you inside",
        {"stage": stage},
        "find the person with the most to win and test them with a small ask",
    )


def chess_of(p: Person) -> tuple[dict[str, bool], bool]:
    """The champion's CHESS as recorded, else inferred from the contact (and whether so)."""
    return chess_from(
        p.chess,
        p.influence,
        p.personal_win or p.professional_win,
        p.engagement,
        p.relationship_depth,
        p.support,
    )


def chess_from(
    recorded: Mapping[str, Any] | None,
    influence: str | None,
    win: str | None,
    engagement: str | None,
    depth: int | None,
    support: str | None,
) -> tuple[dict[str, bool], bool]:
    """CHESS from the contact's fields: as `recorded`, else inferred (and whether inferred)."""
    if recorded:
        return {c: bool(recorded.get(c)) for c in CHESS}, False
    return {
        "credibility": influence == "high",
        "hunger": bool(win),
        "engagement": engagement == "engaged",
        "savvy": (depth or 0) >= 4,
        "sponsorship": support == "high",
    }, True


def champion_rules(
    name: str,
    chess: Mapping[str, bool],
    inferred: bool,
    heard: dt.datetime | None,
    flagged: dt.datetime | None,
    as_of: dt.datetime,
    t: Thresholds,
    *,
    red_flags: bool = True,
) -> tuple[dt.date | None, list[Reason]]:
    """QUAL-6 on plain values: CHESS red flags (unless not wanted) and going dark (see
    `champion_heard`)."""
    reasons = [
        Reason(
            "QUAL-6",
            f"chess_{c}",
            Level.YELLOW,
            CHESS_RED_FLAGS[c],
            {"champion": name, "inferred": inferred},
        )
        for c in CHESS
        if red_flags and not chess[c]
    ]
    dark_since = decide.dark_since(heard, flagged, as_of, t)
    if dark_since is not None:
        reasons.append(
            Reason(
                "QUAL-6",
                "champion_dark",
                Level.RED,
                f"champion {name} has gone dark since {dark_since.isoformat()}",
                {"champion": name, "last_heard": dark_since.isoformat()},
                f"call {name} directly; if no answer this week, reach the EB or another thread",
            )
        )
    return dark_since, reasons


EARLY = decide.EARLY


def champion_heard(facts: DealFacts, p: Person) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the champion `p` was last heard from, and the last "champion went dark" flag.

    Heard from: the activities logged against them and their own MAP changes. An email the
    seller logged (actor not on the buying committee: "follow-up, no reply") is the seller
    speaking, not the champion, so it does not count.
    """
    buyers = {c.name for c in facts.committee}
    theirs = [
        s.at
        for s in facts.signals
        if s.contact_id == p.id
        and s.type != "champion_dark"
        and not (s.type == "email" and s.actor is not None and s.actor not in buyers)
    ]
    theirs += [e.at for e in facts.map_events if e.side == "buyer" and p.name in e.actor]
    flagged = [s.at for s in facts.signals if s.type == "champion_dark"]
    return max(theirs, default=None), max(flagged, default=None)
